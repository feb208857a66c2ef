package dev.promptjuggler.executor.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * Four slots, no reserve, lower work capped at half of them while onsite runs are about, against a provider
 * whose answers the test hands out.
 */
public class OnsiteHeadroom implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("executor.max-in-flight", "4", "executor.scheduling.onsite-reserve", "0",
                "executor.scheduling.lower-share-while-onsite", "0.5");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(GatewaySchema.class), new TestResourceEntry(HeldProvider.class));
    }
}
