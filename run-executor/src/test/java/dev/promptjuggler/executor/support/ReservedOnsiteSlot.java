package dev.promptjuggler.executor.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** Three slots, one of them reserved for onsite runs, against a provider whose answers the test hands out. */
public class ReservedOnsiteSlot implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("executor.max-in-flight", "3", "executor.scheduling.onsite-reserve", "1");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OwnConsumerGroup.class), new TestResourceEntry(HeldProvider.class));
    }
}
