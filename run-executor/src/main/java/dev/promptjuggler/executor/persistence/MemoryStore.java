package dev.promptjuggler.executor.persistence;

import dev.promptjuggler.executor.llm.ChatMessage;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Thread memory ({@code executor.thread_messages}): a conversation per thread, one lane per channel. Read
 * here; appended by {@link RunStore#finish} in the statement that stores the run's outcome, so a run's
 * messages are remembered exactly when it completed.
 */
@ApplicationScoped
public class MemoryStore {

    private final Pool pool;

    public MemoryStore(Pool pool) {
        this.pool = pool;
    }

    /** The latest {@code window} messages of the lane, oldest first. */
    public Uni<List<ChatMessage>> history(UUID threadId, String channel, int window) {
        return pool.preparedQuery("SELECT role, content FROM executor.thread_messages"
                        + " WHERE thread_id = $1 AND channel = $2 ORDER BY id DESC LIMIT $3")
                .execute(Tuple.of(threadId, channel, window))
                .map(rows -> {
                    List<ChatMessage> messages = new ArrayList<>();
                    for (Row row : rows) {
                        String content = row.getString("content");
                        messages.add("assistant".equals(row.getString("role"))
                                ? new ChatMessage.Assistant(content) : new ChatMessage.User(content));
                    }
                    Collections.reverse(messages);
                    return messages;
                });
    }
}
