package dev.promptjuggler.executor.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** The provider simulator as the service's three providers, for tests that run prompts end to end. */
public class SimulatorResource implements QuarkusTestResourceLifecycleManager {

    private static SimulatorProcess simulator;

    /** The running simulator, to script failures and read its calls. */
    public static SimulatorProcess simulator() {
        return simulator;
    }

    @Override
    public Map<String, String> start() {
        if (simulator != null) {
            // One simulator at a time, whatever order application restarts call start and stop in.
            simulator.close();
        }
        try {
            simulator = SimulatorProcess.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of("providers.openai.base-url", simulator.baseUrl() + "/v1",
                "providers.anthropic.base-url", simulator.baseUrl() + "/v1",
                "providers.gemini.base-url", simulator.baseUrl() + "/v1beta",
                "providers.retry.base-backoff", "50ms");
    }

    @Override
    public void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }
}
