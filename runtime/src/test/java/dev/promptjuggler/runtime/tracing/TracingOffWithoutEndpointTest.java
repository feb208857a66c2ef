package dev.promptjuggler.runtime.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingOffWithoutEndpointTest {

    /** Built-in defaults sit at the bottom, as Quarkus' own do; the operator's settings at application.properties'. */
    private static SmallRyeConfig config(Map<String, String> defaults, Map<String, String> operator) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(defaults, "defaults", Integer.MIN_VALUE))
                .withSources(new PropertiesConfigSource(operator, "application.properties", 250))
                .withInterceptors(new TracingOffWithoutEndpoint())
                .build();
    }

    private static String sdkDisabled(SmallRyeConfig config) {
        return config.getRawValue(TracingOffWithoutEndpoint.SDK_DISABLED);
    }

    @Test
    void offWithoutAnEndpointEvenWhenTheBuiltInDefaultSaysOn() {
        var defaults = Map.of(TracingOffWithoutEndpoint.SDK_DISABLED, "false",
                TracingOffWithoutEndpoint.ENDPOINT, "http://localhost:4317");
        assertEquals("true", sdkDisabled(config(defaults, Map.of())));
    }

    @Test
    void onWhenEitherEndpointIsSet() {
        assertEquals("false", sdkDisabled(config(Map.of(),
                Map.of(TracingOffWithoutEndpoint.ENDPOINT, "http://collector:4318"))));
        assertEquals("false", sdkDisabled(config(Map.of(),
                Map.of(TracingOffWithoutEndpoint.TRACES_ENDPOINT, "http://collector:4318"))));
    }

    @Test
    void anEmptyEndpointCountsAsNone() {
        Map<String, String> operator = new HashMap<>();
        operator.put(TracingOffWithoutEndpoint.ENDPOINT, " ");
        assertEquals("true", sdkDisabled(config(Map.of(), operator)));
    }

    @Test
    void anExplicitSettingWins() {
        assertEquals("true", sdkDisabled(config(Map.of(), Map.of(TracingOffWithoutEndpoint.SDK_DISABLED, "true",
                TracingOffWithoutEndpoint.ENDPOINT, "http://collector:4318"))));
        assertEquals("false", sdkDisabled(config(Map.of(), Map.of(TracingOffWithoutEndpoint.SDK_DISABLED, "false"))));
    }

    @Test
    void theKafkaChannelsTraceOnlyWithAnEndpoint() {
        String channel = "mp.messaging.outgoing.run-requests.tracing-enabled";
        assertEquals("false", config(Map.of(), Map.of()).getRawValue(channel));
        assertEquals("false", config(Map.of(), Map.of()).getRawValue("mp.messaging.connector.smallrye-kafka.tracing-enabled"));
        assertNull(config(Map.of(), Map.of(TracingOffWithoutEndpoint.ENDPOINT, "http://collector:4318")).getRawValue(channel),
                "the connector's own default (on) applies");
        assertEquals("true", config(Map.of(), Map.of(channel, "true")).getRawValue(channel));
    }

    @Test
    void otherNamesPassThrough() {
        assertNull(config(Map.of(), Map.of()).getRawValue("quarkus.otel.traces.sampler.arg"));
    }
}
