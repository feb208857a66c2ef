package dev.promptjuggler.gateway.service;

import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.persistence.ThreadRepository;
import dev.promptjuggler.gateway.persistence.ThreadRepository.MessageRow;
import dev.promptjuggler.gateway.persistence.ThreadRepository.ThreadRow;
import dev.promptjuggler.gateway.persistence.ThreadRepository.ThreadRunRow;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
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
        return threads.find(tenantId, id).chain(found -> {
            ThreadRow thread = found.orElseThrow(() -> notFound(id));
            if (thread.erasedAt() != null) {
                throw erased(id);
            }
            return threads.runs(id).chain(runs -> threads.memory(id)
                    .map(memory -> new ThreadContents(thread, runs, memory)));
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

    private static ApiException notFound(UUID id) {
        return ApiException.notFound("thread " + id + " not found");
    }

    private static ApiException erased(UUID id) {
        return ApiException.gone("thread " + id + " was erased");
    }

    public record ThreadContents(ThreadRow thread, List<ThreadRunRow> runs, List<MessageRow> memory) {
    }
}
