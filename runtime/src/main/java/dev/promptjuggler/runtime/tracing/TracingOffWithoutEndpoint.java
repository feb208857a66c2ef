package dev.promptjuggler.runtime.tracing;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;
import java.util.regex.Pattern;

/**
 * Turns tracing off unless an OTLP endpoint is configured, so that a service nobody collects traces from pays
 * nothing for them: the OpenTelemetry SDK is off (no exporter retrying a collector that is not there), and so is
 * the Kafka connector's tracing of every channel, which would otherwise still make spans and write
 * {@code traceparent} headers through the SDK Quarkus keeps for propagation. An operator who sets either
 * explicitly decides alone. "Configured" means set in a source an operator writes (application.properties, the
 * environment, system properties), not a built-in default.
 */
@Priority(Priorities.APPLICATION + 100)
public class TracingOffWithoutEndpoint implements ConfigSourceInterceptor {

    static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";
    static final String ENDPOINT = "quarkus.otel.exporter.otlp.endpoint";
    static final String TRACES_ENDPOINT = "quarkus.otel.exporter.otlp.traces.endpoint";
    /** MicroProfile Config's lowest ordinal for a source someone writes; built-in defaults sit far below it. */
    private static final int OPERATOR_ORDINAL = 100;
    private static final Pattern CHANNEL_TRACING =
            Pattern.compile("mp\\.messaging\\.(incoming|outgoing|connector)\\.[^.]+\\.tracing-enabled");

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        boolean sdk = SDK_DISABLED.equals(name);
        if (!(sdk || CHANNEL_TRACING.matcher(name).matches()) || set(value)) {
            return value;
        }
        boolean endpoint = set(context.proceed(TRACES_ENDPOINT)) || set(context.proceed(ENDPOINT));
        if (endpoint && !sdk) {
            return value;
        }
        return ConfigValue.builder()
                .withName(name)
                .withValue(Boolean.toString(sdk != endpoint))
                .withConfigSourceName(getClass().getSimpleName())
                .withConfigSourceOrdinal(OPERATOR_ORDINAL)
                .build();
    }

    private static boolean set(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank()
                && value.getConfigSourceOrdinal() >= OPERATOR_ORDINAL;
    }
}
