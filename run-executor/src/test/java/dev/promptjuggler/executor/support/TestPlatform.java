package dev.promptjuggler.executor.support;

import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.schema.testing.PendingRuns;
import dev.promptjuggler.schema.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What api-gateway does before a run reaches the executor, done for real: tenant, prompt revision, thread
 * and pending run rows as the gateway stores them, and the run's request on the real broker. Plus a look
 * at the rows the executor wrote.
 */
public final class TestPlatform implements AutoCloseable {

    private final KafkaProducer<String, String> producer;

    public TestPlatform() {
        Map<String, Object> properties = KafkaSettings.current();
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
    }

    public static Connection database() throws SQLException {
        return DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.user(), TestDatabase.password());
    }

    /** A tenant with a published prompt revision that asks the model {@code {{text}}}. */
    public record Prompt(UUID tenantId, UUID revisionId) {
    }

    public static Prompt prompt() {
        UUID tenant = UUID.randomUUID();
        UUID definition = UUID.randomUUID();
        UUID revision = UUID.randomUUID();
        update("INSERT INTO gateway.tenants (id, name) VALUES (?, ?)", tenant, "executor test " + tenant);
        update("INSERT INTO gateway.definitions (id, tenant_id, name, slug, draft, kind)"
                + " VALUES (?, ?, 'Echo', 'pr_echo', '{}'::jsonb, 'prompt')", definition, tenant);
        update("INSERT INTO gateway.revisions (id, tenant_id, definition_id, version, config) VALUES (?, ?, ?, 1,"
                + " '{\"provider\":\"openai\",\"model\":\"gpt-5.5\",\"messages\":[{\"role\":\"user\",\"content\":\"{{text}}\"}]}'::jsonb)",
                revision, tenant, definition);
        return new Prompt(tenant, revision);
    }

    /** Stores a pending run on a new thread as the gateway does, without publishing its request. */
    public static UUID storeRun(Prompt prompt, Priority priority, String text) {
        return storeRun(prompt, priority, text, thread(prompt), "default");
    }

    /** A new conversation thread of the prompt's tenant. */
    public static UUID thread(Prompt prompt) {
        UUID thread = UUID.randomUUID();
        update("INSERT INTO gateway.threads (id, tenant_id) VALUES (?, ?)", thread, prompt.tenantId());
        return thread;
    }

    /** Stores a pending run on {@code thread} and {@code channel}, accepted after every run stored before it. */
    public static UUID storeRun(Prompt prompt, Priority priority, String text, UUID thread, String channel) {
        UUID run = UUID.randomUUID();
        update(PendingRuns.insert("VALUES (?, ?, 'prompt', ?, ?, ?, 'production', ?, 1, jsonb_build_object('text', ?::text))"),
                run, prompt.tenantId(), thread, channel, priority.wireName(), prompt.revisionId(), text);
        return run;
    }

    public static Instant finishedAt(UUID run) {
        Timestamp finished = (Timestamp) query("SELECT finished_at FROM gateway.runs_with_state WHERE id = ?", run).get(0)[0];
        return finished == null ? null : finished.toInstant();
    }

    /** Stores a pending run and publishes its request to the topic of its priority, as the gateway does. */
    public UUID requestRun(Prompt prompt, Priority priority, String text) {
        UUID run = storeRun(prompt, priority, text);
        publish(prompt, run, priority);
        return run;
    }

    public void publish(Prompt prompt, UUID run, Priority priority) {
        String threadId = String.valueOf(query("SELECT thread_id FROM gateway.runs WHERE id = ?", run).get(0)[0]);
        String value = "{\"runId\":\"" + run + "\",\"tenantId\":\"" + prompt.tenantId() + "\",\"threadId\":\"" + threadId
                + "\",\"kind\":\"prompt\",\"priority\":\"" + priority.wireName() + "\",\"revisionId\":\""
                + prompt.revisionId() + "\",\"acceptedAt\":\"" + Instant.now() + "\"}";
        try {
            producer.send(new ProducerRecord<>(priority.topic(), threadId, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String status(UUID run) {
        return (String) query("SELECT status FROM gateway.runs_with_state WHERE id = ?", run).get(0)[0];
    }

    public static Instant startedAt(UUID run) {
        Timestamp started = (Timestamp) query("SELECT started_at FROM gateway.runs_with_state WHERE id = ?", run).get(0)[0];
        return started == null ? null : started.toInstant();
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

    public static List<Object[]> query(String sql, Object... parameters) {
        try (Connection connection = database(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<Object[]> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    Object[] row = new Object[columns];
                    for (int i = 0; i < columns; i++) {
                        row[i] = result.getObject(i + 1);
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
