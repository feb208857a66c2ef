package dev.promptjuggler.executor.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.executor.support.SecuredBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;

/**
 * The run topics' consumer is configured from the service's {@code kafka.*} settings: against the local broker's
 * listener that requires a SCRAM-SHA-512 login, the right password lets it in and a wrong one does not.
 */
class RunTopicsConsumerTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void theServicesKafkaSettingsReachTheConsumerWhileItsOwnCommitRulesWin() {
        Map<String, Object> kafka = new HashMap<>(SecuredBroker.settings("someone", "secret"));
        kafka.put("enable.auto.commit", "true");
        kafka.put("group.id", "run-executor-from-kafka-config");
        kafka.put("ssl.truststore.location", "/etc/kafka/truststore.p12");

        Map<String, Object> properties = RunTopicsConsumer.properties(kafka, "run-executor", "earliest", "worker-1");

        assertEquals("SASL_PLAINTEXT", properties.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", properties.get("sasl.mechanism"));
        assertEquals(kafka.get("sasl.jaas.config"), properties.get("sasl.jaas.config"));
        assertEquals("/etc/kafka/truststore.p12", properties.get("ssl.truststore.location"));
        assertEquals(SecuredBroker.bootstrap(), properties.get("bootstrap.servers"));
        assertEquals(false, properties.get("enable.auto.commit"), "offsets are committed once a run is claimed");
        assertEquals("run-executor", properties.get("group.id"), "executor.scheduling.group-id");
        assertEquals("earliest", properties.get("auto.offset.reset"));
        assertEquals("worker-1", properties.get("client.id"));
    }

    @Test
    void withTheRightScramPasswordTheConsumerReachesTheRunTopicsOnTheSecuredListener() {
        var properties = RunTopicsConsumer.properties(Map.copyOf(SecuredBroker.settings(SecuredBroker.user(),
                SecuredBroker.password())), "run-executor-sasl-test", "latest", "sasl-test");
        try (var consumer = RunTopicsConsumer.create(properties)) {
            var topics = consumer.listTopics(PATIENCE);
            for (Priority priority : Priority.values()) {
                assertTrue(topics.containsKey(priority.topic()), priority.topic());
            }
        }
    }

    @Test
    void withAWrongScramPasswordTheSecuredListenerRefusesTheConsumer() {
        var properties = RunTopicsConsumer.properties(Map.copyOf(SecuredBroker.settings(SecuredBroker.user(),
                SecuredBroker.password() + "-wrong")), "run-executor-sasl-test", "latest", "sasl-test");
        try (var consumer = RunTopicsConsumer.create(properties)) {
            assertThrows(SaslAuthenticationException.class, () -> consumer.listTopics(PATIENCE));
        }
    }
}
