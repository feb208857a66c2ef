package dev.promptjuggler.executor.support;

import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/** The service's {@code kafka.*} settings, for the tests' own Kafka clients: they reach the broker as it does. */
public final class KafkaSettings {

    private KafkaSettings() {
    }

    public static Map<String, Object> current() {
        Config config = ConfigProvider.getConfig();
        Map<String, Object> settings = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("kafka.")) {
                config.getOptionalValue(name, String.class).ifPresent(value -> settings.put(name.substring(6), value));
            }
        }
        return settings;
    }
}
