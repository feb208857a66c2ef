package dev.promptjuggler.runtime.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TraceParentTest {

    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    @Test
    void textSurvivesTheRoundTrip() {
        Context context = TraceParent.context(TRACEPARENT);
        assertEquals("0af7651916cd43dd8448eb211c80319c", Span.fromContext(context).getSpanContext().getTraceId());
        assertTrue(Span.fromContext(context).getSpanContext().isRemote());
        assertEquals(TRACEPARENT, TraceParent.of(context));
    }

    @Test
    void aKafkaHeaderNamesTheParent() {
        var headers = new RecordHeaders().add(TraceParent.HEADER, TRACEPARENT.getBytes(StandardCharsets.UTF_8));
        assertEquals(TRACEPARENT, TraceParent.of(TraceParent.context(headers)));
    }

    @Test
    void nothingToContinueIsTheRoot() {
        assertFalse(Span.fromContext(TraceParent.context((String) null)).getSpanContext().isValid());
        assertFalse(Span.fromContext(TraceParent.context("garbage")).getSpanContext().isValid());
        assertFalse(Span.fromContext(TraceParent.context(new RecordHeaders())).getSpanContext().isValid());
        assertNull(TraceParent.of(Context.root()));
        assertTrue(TraceParent.headers(Context.root()).isEmpty());
    }
}
