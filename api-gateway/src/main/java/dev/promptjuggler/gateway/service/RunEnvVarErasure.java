package dev.promptjuggler.gateway.service;

import dev.promptjuggler.gateway.config.GatewayConfig;
import dev.promptjuggler.gateway.persistence.RunRepository;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Erases the per-request envVars of ended runs, every {@code gateway.run-env-vars.erase-every}. The gateway
 * stores them with the run and is their only writer; run-executor, which ends runs, only reads them, so the
 * erasure follows the executor's outcome here instead of riding on its outcome statement. Runs on every replica;
 * replicas erasing the same rows at once is harmless.
 */
@ApplicationScoped
public class RunEnvVarErasure {

    private static final Logger LOG = Logger.getLogger(RunEnvVarErasure.class);

    private final RunRepository runs;
    private final GatewayConfig.RunEnvVars config;
    private final Vertx vertx;
    private final AtomicBoolean erasing = new AtomicBoolean();
    private long timer;

    public RunEnvVarErasure(RunRepository runs, GatewayConfig config, Vertx vertx) {
        this.runs = runs;
        this.config = config.runEnvVars();
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(config.eraseEvery().toMillis(), tick -> erase());
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }

    private void erase() {
        if (!erasing.compareAndSet(false, true)) {
            return;
        }
        runs.eraseEndedRunsVariables()
                .eventually(() -> erasing.set(false))
                .subscribe().with(erased -> {
                    if (erased > 0) {
                        LOG.debugf("erased the envVars of %d ended run(s)", erased);
                    }
                }, failure -> LOG.warnf("erasing the envVars of ended runs failed: %s", failure));
    }
}
