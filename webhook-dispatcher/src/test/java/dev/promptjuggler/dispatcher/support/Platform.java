package dev.promptjuggler.dispatcher.support;

import dev.promptjuggler.contracts.RunFinished;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.contracts.RunStatus;
import dev.promptjuggler.schema.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * What the rest of the platform does around the dispatcher, done for real: tenants and endpoints as
 * api-gateway stores them, finished events on the real broker as run-executor publishes them, and a
 * look at the rows the dispatcher wrote.
 */
public final class Platform implements AutoCloseable {

    private final KafkaProducer<String, String> producer;

    public Platform() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
    }

    public static Connection database() throws SQLException {
        return DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.user(), TestDatabase.password());
    }

    public static UUID tenant() {
        UUID id = UUID.randomUUID();
        update("INSERT INTO gateway.tenants (id, name) VALUES (?, ?)", id, "dispatcher test " + id);
        return id;
    }

    public record Endpoint(UUID id, String secret) {
    }

    public static Endpoint endpoint(UUID tenant, String url, List<String> events, String environment) {
        UUID id = UUID.randomUUID();
        String secret = "whsec_test_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = database();
                PreparedStatement statement = connection.prepareStatement("INSERT INTO gateway.webhook_endpoints"
                        + " (id, tenant_id, url, secret, events, environment) VALUES (?, ?, ?, ?, ?, ?)")) {
            Array array = connection.createArrayOf("text", events.toArray());
            statement.setObject(1, id);
            statement.setObject(2, tenant);
            statement.setString(3, url);
            statement.setString(4, secret);
            statement.setArray(5, array);
            statement.setString(6, environment);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new Endpoint(id, secret);
    }

    public static Endpoint endpoint(UUID tenant, String url) {
        return endpoint(tenant, url, List.of(), null);
    }

    /** Publishes a run's finished event as run-executor does (CloudEvents binary mode), returns its event id. */
    public UUID runFinished(UUID tenant, UUID runId, String environment) {
        RunFinished event = new RunFinished(runId, tenant, RunKind.PROMPT, RunStatus.COMPLETED, environment, Instant.now());
        String value = "{\"runId\":\"" + runId + "\",\"tenantId\":\"" + tenant + "\",\"kind\":\"prompt\","
                + "\"status\":\"completed\",\"environment\":" + (environment == null ? "null" : "\"" + environment + "\"")
                + ",\"finishedAt\":\"" + event.finishedAt() + "\"}";
        send("runs.finished", runId.toString(), value, Map.of("ce_specversion", "1.0", "ce_id", event.eventId().toString(),
                "ce_type", event.type(), "ce_source", "urn:promptjuggler:run-executor", "ce_pjtenant", tenant.toString(),
                "ce_pjschemaversion", "1"));
        return event.eventId();
    }

    public void send(String topic, String key, String value, Map<String, String> headers) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((name, header) -> record.headers().add(name, header.getBytes(StandardCharsets.UTF_8)));
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("publishing to " + topic + " failed", e);
        }
    }

    public static void update(String sql, Object... parameters) {
        try (Connection connection = database(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of every row {@code sql} returns, as text. */
    public static List<String> column(String sql, Object... parameters) {
        try (Connection connection = database(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
