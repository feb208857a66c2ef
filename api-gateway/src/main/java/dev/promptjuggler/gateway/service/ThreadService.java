package dev.promptjuggler.gateway.service;

import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.persistence.ThreadRepository;
import dev.promptjuggler.gateway.persistence.ThreadRepository.MessageRow;
import dev.promptjuggler.gateway.persistence.ThreadRepository.ThreadRow;
import dev.promptjuggler.gateway.persistence.ThreadRepository.ThreadRunRow;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/** Reading, forking and erasing one of the tenant's threads. */
@ApplicationScoped
public class ThreadService {

    private final ThreadRepository threads;

    public ThreadService(ThreadRepository threads) {
        this.threads = threads;
    }

    /** The thread with its runs and memory; 404 for an unknown or another tenant's thread, 410 once erased. */
    public Uni<ThreadContents> read(UUID tenantId, UUID id) {
        return readable(tenantId, id).chain(thread -> threads.runs(id).chain(runs -> threads.memory(id)
                .map(memory -> new ThreadContents(thread, runs, memory))));
    }

    /**
     * A page of the thread's memory: its newest {@code limit} messages written before message {@code before} (the
     * newest of all when null), of {@code channel} (of every channel when null), oldest first; 404 and 410 as
     * {@link #read}.
     */
    public Uni<MessagePage> messages(UUID tenantId, UUID id, String channel, Long before, int limit) {
        // One message more than the page: whether older ones are left.
        return readable(tenantId, id).chain(thread -> threads.messagesBefore(id, channel,
                        before == null ? Long.MAX_VALUE : before, limit + 1))
                .map(newestFirst -> {
                    List<MessageRow> page = new ArrayList<>(newestFirst.subList(0, Math.min(limit, newestFirst.size())));
                    Collections.reverse(page);
                    return new MessagePage(page, newestFirst.size() > limit ? page.get(0).id() : null);
                });
    }

    /** A new thread holding the memory up to and including message {@code upToMessage}; answers the new thread. */
    public Uni<ThreadContents> fork(UUID tenantId, UUID source, long upToMessage) {
        return threads.fork(tenantId, source, upToMessage).chain(fork -> switch (fork.outcome()) {
            case FORKED -> read(tenantId, fork.thread());
            case NOT_FOUND -> throw notFound(source);
            case ERASED -> throw erased(source);
            case NO_SUCH_MESSAGE -> throw ApiException.invalid("upToMessage " + upToMessage
                    + " is not a message of thread " + source + " (the ids are the memory's message ids)");
        });
    }

    /** Erases the thread; erasing an erased thread again changes nothing and succeeds. */
    public Uni<Void> erase(UUID tenantId, UUID id) {
        return threads.erase(tenantId, id).map(outcome -> switch (outcome) {
            case ERASED, ALREADY_ERASED -> null;
            case NOT_FOUND -> throw notFound(id);
            case RUNS_PENDING -> throw new ApiException(409, "thread " + id + " has runs that have not ended;"
                    + " erase it once they have");
        });
    }

    /** The tenant's thread; 404 for an unknown or another tenant's thread, 410 once erased. */
    private Uni<ThreadRow> readable(UUID tenantId, UUID id) {
        return threads.find(tenantId, id).map(found -> {
            ThreadRow thread = found.orElseThrow(() -> notFound(id));
            if (thread.erasedAt() != null) {
                throw erased(id);
            }
            return thread;
        });
    }

    private static ApiException notFound(UUID id) {
        return ApiException.notFound("thread " + id + " not found");
    }

    private static ApiException erased(UUID id) {
        return ApiException.gone("thread " + id + " was erased");
    }

    public record ThreadContents(ThreadRow thread, List<ThreadRunRow> runs, List<MessageRow> memory) {
    }

    /** @param nextBefore the {@code before} of the page of older messages; null when there are none */
    public record MessagePage(List<MessageRow> messages, Long nextBefore) {
    }
}
