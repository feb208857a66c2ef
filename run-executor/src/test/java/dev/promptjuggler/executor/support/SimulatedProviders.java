package dev.promptjuggler.executor.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** Runs end to end against the provider simulator (answers read whole), from a consumer group of the test's own. */
public class SimulatedProviders implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OwnConsumerGroup.class), new TestResourceEntry(SimulatorResource.class));
    }
}
