package dev.promptjuggler.executor.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.contracts.StreamFrame;
import dev.promptjuggler.executor.llm.TextListener;
import dev.promptjuggler.executor.messaging.StreamFramePublisher;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One run's live stream: the frames @promptjuggler/browser reads, in the order its buffer expects.
 *
 * <p>Each model call of a channel is a segment (0, 1, 2, ... per run and channel: a tool loop's next turn opens the
 * next one). Every attempt of the call opens its segment with {@code reset} at seq 0, so a provider retry discards
 * exactly what the failed attempt streamed; the segment's {@code token}, {@code data} and {@code tool_start} frames
 * then take seq 1, 2, ... {@code tool_end} is found by its {@code ref} and takes no place in the sequence. Once the
 * run's outcome is stored, {@code done} or {@code failure} goes to every channel that streamed (the run's own channel
 * when none did), so a subscriber that follows one channel sees the end too.
 */
public final class RunStream {

    /** For runs nobody watches: no frames. */
    public static final RunStream NONE = new RunStream(null, null, null, frame -> {
    }, null);

    private final UUID tenantId;
    private final UUID threadId;
    private final UUID runId;
    private final Consumer<StreamFrame> publish;
    private final String ownChannel;
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final Set<String> streamed = ConcurrentHashMap.newKeySet();

    private RunStream(UUID tenantId, UUID threadId, UUID runId, Consumer<StreamFrame> publish, String ownChannel) {
        this.tenantId = tenantId;
        this.threadId = threadId;
        this.runId = runId;
        this.publish = publish;
        this.ownChannel = ownChannel;
    }

    /** @param ownChannel the run's channel: where its end goes when no channel streamed (a prompt run's only one) */
    public static RunStream of(StreamFramePublisher publisher, UUID tenantId, UUID threadId, UUID runId,
            String ownChannel) {
        return new RunStream(tenantId, threadId, runId, publisher::publish, ownChannel == null ? "" : ownChannel);
    }

    /** The run's frames on one channel (a prompt run's channel, a workflow Prompt node's). */
    public Channel channel(String name) {
        return channels.computeIfAbsent(name == null ? "" : name, Channel::new);
    }

    /**
     * The channels an earlier execution of the run may have streamed on (a workflow's Prompt nodes' channels): its
     * end goes to them too, so a run ended without executing again (out of claims, unrunnable) ends every lane a
     * subscriber may be following.
     */
    public RunStream endingAlsoOn(Collection<String> channels) {
        if (this != NONE) {
            streamed.addAll(channels);
        }
        return this;
    }

    /** The run completed and its outcome is stored. */
    public void done() {
        end(channel -> frame("done", channel, 0, 0, null, null, null, null, null, null, null));
    }

    /** The run failed and its outcome is stored; {@code message} is the run's error as reading the run shows it. */
    public void failed(String code, String message) {
        end(channel -> frame("failure", channel, 0, 0, null, null, null, null, null, code, message));
    }

    private void end(java.util.function.Function<String, StreamFrame> frame) {
        if (this == NONE) {
            return;
        }
        Set<String> ends = streamed.isEmpty() ? Set.of(ownChannel) : Set.copyOf(streamed);
        ends.forEach(channel -> publish.accept(frame.apply(channel)));
    }

    private StreamFrame frame(String kind, String channel, int segment, long seq, String text, String tool,
            JsonNode payload, String ref, String status, String code, String message) {
        return new StreamFrame(tenantId, threadId, runId, kind, channel, segment, seq, text, tool, payload, ref, status,
                code, message);
    }

    /** One channel of the run: its segments, numbered in the order its model calls start. */
    public final class Channel {

        private final String name;
        private int nextSegment;

        private Channel(String name) {
            this.name = name;
        }

        /** The segment of the channel's next model call. */
        public synchronized Segment nextSegment() {
            return new Segment(name, nextSegment++);
        }
    }

    /**
     * One model call's frames and the tool calls it asked for. Used by one call at a time (attempts, then the
     * turn's tools, in order); synchronized because an attempt's deltas arrive on the HTTP client's thread.
     */
    public final class Segment implements TextListener {

        private final String channel;
        private final int number;
        private long seq;

        private Segment(String channel, int number) {
            this.channel = channel;
            this.number = number;
        }

        @Override
        public synchronized void attempt() {
            seq = 0;
            emit("reset", null, null, null, null, null);
        }

        @Override
        public synchronized void text(String delta) {
            seq++;
            emit("token", delta, null, null, null, null);
        }

        /** The model called a tool; {@code ref} pairs this with its {@link #toolEnd}. */
        public synchronized void toolStart(String ref, String tool) {
            seq++;
            emit("tool_start", null, tool, null, ref, null);
        }

        /** The emit tool's payload. */
        public synchronized void data(String tool, JsonNode payload) {
            seq++;
            emit("data", null, tool, payload, null, null);
        }

        /** @param status {@code ok} or {@code error} */
        public synchronized void toolEnd(String ref, String tool, String status) {
            emit("tool_end", null, tool, null, ref, status);
        }

        private void emit(String kind, String text, String tool, JsonNode payload, String ref, String status) {
            if (RunStream.this == RunStream.NONE) {
                return;
            }
            streamed.add(channel);
            publish.accept(frame(kind, channel, number, "tool_end".equals(kind) ? 0 : seq, text, tool, payload, ref,
                    status, null, null));
        }
    }
}
