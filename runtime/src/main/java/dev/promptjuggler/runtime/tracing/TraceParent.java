package dev.promptjuggler.runtime.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.smallrye.reactive.messaging.TracingMetadata;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * A W3C trace context ({@code traceparent}) as text and back. Work that continues after its request is gone (the
 * outbox relay, the sweeper, a delivery retried hours later) or in a thread of its own (the executor's hand-built
 * Kafka consumer) cannot rely on the current context: it keeps the text with its row or record and continues from
 * it. With tracing off every method still works; the spans are then never recorded.
 */
public final class TraceParent {

    /** The header name, in HTTP and in Kafka records alike. */
    public static final String HEADER = "traceparent";

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private TraceParent() {
    }

    /** The {@code traceparent} of the context's span, or null when it has none (no trace to continue). */
    public static String of(Context context) {
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        W3C.inject(context, carrier, Map::put);
        return carrier.get(HEADER);
    }

    /** The {@code traceparent} of the current span, or null. */
    public static String current() {
        return of(Context.current());
    }

    /** The context to continue: the remote span {@code traceparent} names; the root context for null or garbage. */
    public static Context context(String traceparent) {
        if (traceparent == null || traceparent.isBlank()) {
            return Context.root();
        }
        return W3C.extract(Context.root(), Map.of(HEADER, traceparent), MAP);
    }

    /** The context a Kafka record's {@code traceparent} header names (the producer's span), or the root context. */
    public static Context context(Headers headers) {
        Header header = headers.lastHeader(HEADER);
        return header == null ? Context.root() : context(new String(header.value(), StandardCharsets.UTF_8));
    }

    /**
     * The message, published as part of the trace of {@code parent}: the Kafka connector's producer span becomes
     * its child and the record's {@code traceparent} header names that span. Without it the connector takes
     * whatever context is current when the record is sent.
     */
    public static <T> Message<T> continuing(Message<T> message, Context parent) {
        return message.addMetadata(TracingMetadata.withCurrent(parent));
    }

    /** The {@code traceparent}, as a header list for clients that take one. */
    public static List<Map.Entry<String, String>> headers(Context context) {
        String traceparent = of(context);
        return traceparent == null ? List.of() : List.of(Map.entry(HEADER, traceparent));
    }
}
