package dev.promptjuggler.executor.scheduling;

import static dev.promptjuggler.contracts.Priority.NORMAL;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.promptjuggler.executor.support.FinishedNotices;
import dev.promptjuggler.executor.support.SaslKafka;
import dev.promptjuggler.executor.support.SecuredBroker;
import dev.promptjuggler.executor.support.TestPlatform;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The executor against a broker listener that requires a SASL/SCRAM-SHA-512 login, configured by {@code kafka.*}
 * alone: its run consumer receives a run request there, the run finishes, and its finished notice is published
 * there. Nothing but the listener's port accepts these clients' login, so the run only finishes if every client
 * took the settings.
 */
@QuarkusTest
@TestProfile(SaslKafka.class)
class SecuredKafkaTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Inject
    RunTopicsConsumer consumer;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aRunRequestedOnTheSecuredListenerIsConsumedRunAndNotified() {
        assertEquals(SecuredBroker.bootstrap(), bootstrap, "the service talks to the SASL listener only");
        await().atMost(PATIENCE).until(consumer::assigned);
        var prompt = TestPlatform.prompt();
        try (var platform = new TestPlatform(); var notices = FinishedNotices.fromNow()) {
            UUID run = platform.requestRun(prompt, NORMAL, "over SASL");

            AtomicReference<ConsumerRecord<String, String>> notice = new AtomicReference<>();
            await().atMost(PATIENCE).until(() -> {
                notice.compareAndSet(null, notices.next(run));
                return notice.get() != null;
            });
            assertEquals("completed", TestPlatform.status(run));
        }
    }
}
