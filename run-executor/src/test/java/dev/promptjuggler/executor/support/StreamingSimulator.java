package dev.promptjuggler.executor.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** Runs end to end against the provider simulator, which streams its answers: every provider called in streaming mode. */
public class StreamingSimulator implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("providers.openai.stream", "true", "providers.anthropic.stream", "true",
                "providers.gemini.stream", "true");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OwnConsumerGroup.class), new TestResourceEntry(SimulatorResource.class));
    }
}
