package dev.promptjuggler.gateway.stream;

import io.vertx.core.buffer.Buffer;
import java.util.UUID;

/**
 * One record of {@code runs.stream}, ready to send: its position (the cursor), whose it is, and its server-sent
 * event, encoded once for all of the thread's subscribers.
 */
record Frame(long offset, UUID tenantId, String channel, Buffer event) {
}
