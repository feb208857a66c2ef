package dev.promptjuggler.executor.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * Three slots, one of them reserved for onsite runs, and an onsite wait target of a microsecond, which every onsite
 * run exceeds (its request's way through the broker and its claim statement alone take longer), against a provider
 * whose answers the test hands out. Onsite runs count as about for {@value #ONSITE_ABOUT_SECONDS} s after the last one
 * started: long enough for a test's steps on a loaded machine, short enough to wait for.
 */
public class OnsiteAlwaysLate implements QuarkusTestProfile {

    public static final int ONSITE_ABOUT_SECONDS = 20;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("executor.max-in-flight", "3", "executor.scheduling.onsite-reserve", "1",
                "executor.scheduling.onsite-wait-target", "PT0.000001S",
                "executor.scheduling.onsite-about-for", ONSITE_ABOUT_SECONDS + "s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OwnConsumerGroup.class), new TestResourceEntry(HeldProvider.class));
    }
}
