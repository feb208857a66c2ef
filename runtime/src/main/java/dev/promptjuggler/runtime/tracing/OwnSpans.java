package dev.promptjuggler.runtime.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The {@link Tracer} the services' own spans (a run, its claim, provider and tool calls, workflow nodes, knowledge
 * searches, fan-outs, webhook deliveries, document processing) are made with. With the OpenTelemetry SDK off (no
 * OTLP endpoint, see {@link TracingOffWithoutEndpoint}) Quarkus still builds an SDK for propagation, whose tracer
 * records every span with fresh ids and samples it: the spans cost their ids and attributes for nothing, and their
 * {@code traceparent} would reach Kafka records, stored rows and customers' webhook requests though nothing is ever
 * exported. With the SDK off this is the no-op tracer instead: its spans are invalid, so {@link TraceParent} finds
 * no trace to propagate. Replaces Quarkus' default {@code Tracer} bean in every service that indexes this module.
 */
@Singleton
public class OwnSpans {

    static final String SCOPE = "dev.promptjuggler";

    @Produces
    @Singleton
    Tracer tracer(OpenTelemetry openTelemetry,
            @ConfigProperty(name = TracingOffWithoutEndpoint.SDK_DISABLED, defaultValue = "false") boolean sdkDisabled) {
        return of(openTelemetry, sdkDisabled);
    }

    static Tracer of(OpenTelemetry openTelemetry, boolean sdkDisabled) {
        return sdkDisabled ? TracerProvider.noop().get(SCOPE) : openTelemetry.getTracer(SCOPE);
    }
}
