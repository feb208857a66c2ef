package dev.promptjuggler.executor.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import java.util.UUID;

/** The scheduler gets a consumer group of its own, so a test sees only the records produced after it started. */
public class OwnConsumerGroup implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("executor.scheduling.group-id", "run-executor-test-" + UUID.randomUUID());
    }

    @Override
    public void stop() {
    }
}
