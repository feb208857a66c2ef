package dev.promptjuggler.executor.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * Two runs in flight at most, against a provider whose answers the test hands out; no slot reserved for
 * onsite runs, so the order in which waiting runs take freed slots is all that decides.
 */
public class TwoSlots implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("executor.max-in-flight", "2", "executor.scheduling.onsite-reserve", "0");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OwnConsumerGroup.class), new TestResourceEntry(HeldProvider.class));
    }
}
