package dev.promptjuggler.executor.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every Kafka client of the executor on the broker's SASL/SCRAM listener, configured only through {@code kafka.*}
 * (as a secured cluster is), against a provider that answers at once.
 */
public class SaslKafka implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>();
        SecuredBroker.settings(SecuredBroker.user(), SecuredBroker.password())
                .forEach((key, value) -> overrides.put("kafka." + key, value));
        return overrides;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OwnConsumerGroup.class), new TestResourceEntry(HeldProvider.class));
    }
}
