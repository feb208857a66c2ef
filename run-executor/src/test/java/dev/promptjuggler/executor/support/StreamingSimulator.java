package dev.promptjuggler.executor.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** Runs end to end against the provider simulator, which streams its answers. */
public class StreamingSimulator implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OwnConsumerGroup.class), new TestResourceEntry(SimulatorResource.class));
    }
}
