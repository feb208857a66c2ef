package dev.promptjuggler.runtime.tracing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import org.junit.jupiter.api.Test;

class OwnSpansTest {

    /** What Quarkus builds with quarkus.otel.sdk.disabled=true: an SDK with propagators and nothing configured. */
    private static final OpenTelemetry SDK_KEPT_FOR_PROPAGATION = OpenTelemetrySdk.builder().build();

    @Test
    void theSdkKeptWhileTracingIsOffWouldRecordAndPropagateSpans() {
        Span span = SDK_KEPT_FOR_PROPAGATION.getTracer("any").spanBuilder("would be real").startSpan();
        assertTrue(span.isRecording());
        assertNotNull(TraceParent.of(Context.root().with(span)), "a traceparent nobody will ever find");
        span.end();
    }

    @Test
    void offOurSpansAreNoOpsWithNothingToPropagate() {
        Span span = OwnSpans.of(SDK_KEPT_FOR_PROPAGATION, true).spanBuilder("run").startSpan();
        assertFalse(span.isRecording());
        assertFalse(span.getSpanContext().isValid());
        assertNull(TraceParent.of(Context.root().with(span)));
        Span child = OwnSpans.of(SDK_KEPT_FOR_PROPAGATION, true).spanBuilder("claim")
                .setParent(Context.root().with(span)).startSpan();
        assertFalse(child.getSpanContext().isValid());
    }

    @Test
    void onOurSpansAreTheSdks() {
        Span span = OwnSpans.of(SDK_KEPT_FOR_PROPAGATION, false).spanBuilder("run").startSpan();
        assertTrue(span.getSpanContext().isValid());
        span.end();
    }
}
