package dev.promptjuggler.gateway.stream;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One open stream: a client following one thread. Frames reach it from two readers — the live feed, and for a
 * resume the catch-up read of what the client missed — and it sends each record once, in offset order: the
 * live feed's frames wait while the catch-up runs, and whatever both delivered goes out only the first time.
 * Frames of another tenant (a thread id minted by two tenants, used by one) and of unwanted channels advance
 * the position without being sent.
 */
public final class Subscription {

    public static final Buffer PING = Buffer.buffer(": ping\n\n");
    private static final Buffer RECONNECT = Buffer.buffer("event: reconnect\ndata: {}\n\n");

    final UUID tenantId;
    final UUID threadId;
    /** The partition of the thread's frames. */
    final int partition;
    private final Set<String> channels;
    private final HttpServerResponse response;

    /** Offset of the last record handled; records at or below it are not sent again. */
    private long position;
    private List<Frame> waiting;
    private boolean closed;

    /**
     * @param position the offset of the client's cursor, or -1 for a fresh subscription (the live tip)
     * @param catchingUp whether a catch-up read will deliver the frames after {@code position} first
     */
    Subscription(Target target, int partition, long position, boolean catchingUp) {
        this.tenantId = target.tenantId();
        this.threadId = target.threadId();
        this.partition = partition;
        this.channels = target.channels();
        this.response = target.response();
        this.position = position;
        this.waiting = catchingUp ? new ArrayList<>() : null;
    }

    /** A frame of the live feed. */
    synchronized void live(Frame frame) {
        if (waiting != null) {
            waiting.add(frame);
        } else {
            send(frame);
        }
    }

    /** A frame of the catch-up read, which runs in offset order before any live frame is sent. */
    synchronized void replay(Frame frame) {
        send(frame);
    }

    /**
     * The client's cursor is outside the replay window: say so, and continue after {@code from} (the record
     * before the first frame the catch-up will still deliver), which becomes the client's cursor.
     */
    synchronized void stale(Cursor from) {
        position = from.offset();
        write(Buffer.buffer("id: " + from + "\nevent: stale\ndata: {}\n\n"));
    }

    /** The catch-up read is done: the live frames that waited go out, those it delivered already do not. */
    synchronized void caughtUp() {
        List<Frame> held = waiting;
        waiting = null;
        if (held != null) {
            held.forEach(this::send);
        }
    }

    synchronized void ping() {
        write(PING);
    }

    synchronized boolean closed() {
        return closed;
    }

    /** The gateway is going away: the client is told to reconnect at once (to another replica, or this one later). */
    synchronized Future<Void> handOff() {
        if (closed) {
            return Future.succeededFuture();
        }
        closed = true;
        response.write(RECONNECT);
        return response.end();
    }

    /** Ends the connection without a word; the client reconnects with its cursor and loses nothing. */
    synchronized void drop() {
        if (!closed) {
            closed = true;
            response.reset();
        }
    }

    synchronized void markClosed() {
        closed = true;
    }

    /**
     * What a stream is for.
     *
     * @param channels the channels to send; empty for all
     */
    public record Target(UUID tenantId, UUID threadId, Set<String> channels, HttpServerResponse response) {
    }

    private void send(Frame frame) {
        if (frame.offset() <= position) {
            return;
        }
        position = frame.offset();
        if (!frame.tenantId().equals(tenantId) || !channels.isEmpty() && !channels.contains(frame.channel())) {
            return;
        }
        write(frame.event());
    }

    private void write(Buffer event) {
        if (closed) {
            return;
        }
        if (response.writeQueueFull()) {
            // A client that does not read: rather than hold frames for it without bound, let it reconnect and
            // catch up from Kafka.
            drop();
            return;
        }
        response.write(event);
    }
}
