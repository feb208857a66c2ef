package dev.promptjuggler.gateway.promptly.apps;

import dev.promptjuggler.contracts.StreamFrame;
import dev.promptjuggler.gateway.stream.StreamHub;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Watches one run on its thread's live frames ({@code runs.stream}, read by {@link StreamHub}): its {@code done} or
 * {@code failure} frame ends the wait, its tokens on the streamed channel feed the {@link LiveOutput}. The watch is in
 * place before the run is created, and the run's id is known only once it is: frames that arrive meanwhile are held
 * and sorted out then. Frames of other tenants (a thread id is the client's choice) and other runs of the session are
 * ignored. No thread waits: the frames arrive on the hub's reader, which this never blocks.
 */
final class RunWatch implements StreamHub.FrameListener {

    private final UUID tenantId;
    private final String channel;
    private final LiveOutput live;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private UUID runId;
    private List<StreamFrame> early = new ArrayList<>();

    /**
     * @param channel the channel whose tokens are the live output; null when nothing streams
     * @param live    where the tokens go; null when the caller does not stream
     */
    RunWatch(UUID tenantId, String channel, LiveOutput live) {
        this.tenantId = tenantId;
        this.channel = channel;
        this.live = live;
    }

    @Override
    public synchronized void frame(StreamFrame frame) {
        if (!tenantId.equals(frame.tenantId()) || ended.isDone()) {
            return;
        }
        if (runId == null) {
            early.add(frame);
        } else if (runId.equals(frame.runId())) {
            handle(frame);
        }
    }

    /** The run was created: its frames held so far are handled, the others dropped. */
    synchronized void accepted(UUID id) {
        runId = id;
        List<StreamFrame> held = early;
        early = null;
        held.stream().filter(frame -> id.equals(frame.runId())).forEach(this::handle);
    }

    /** Completes once the run's end was seen (its outcome is committed by then). */
    Uni<Void> ended() {
        return Uni.createFrom().completionStage(ended);
    }

    private void handle(StreamFrame frame) {
        switch (frame.kind()) {
            case "done", "failure" -> ended.complete(null);
            case "reset" -> {
                if (streams(frame)) {
                    live.reset();
                }
            }
            case "token" -> {
                if (streams(frame)) {
                    live.token(frame.text());
                }
            }
            default -> {
                // Tool and data frames are not part of an app's output.
            }
        }
    }

    private boolean streams(StreamFrame frame) {
        return live != null && channel != null && channel.equals(frame.channel());
    }
}
