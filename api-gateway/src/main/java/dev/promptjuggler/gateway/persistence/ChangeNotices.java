package dev.promptjuggler.gateway.persistence;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Tells this replica, within milliseconds, that some replica changed what the accept path caches: what a version
 * reference resolves to ({@link Subject#DEFINITIONS}: a revision published, a tag moved or deleted, a definition
 * renamed, archived or deleted) or what an API key authenticates as ({@link Subject#API_KEYS}: a key revoked or
 * deleted, its tenant's defaults changed). Triggers on those tables (migrations {@code gateway/V17_10} and
 * {@code gateway/V17_30}) notify each subject's channel when the change commits; this listens on a connection of its
 * own, outside the pool (a pooled connection goes back to other requests), and reconnects when it is lost.
 *
 * <p>What it offers per subject is a generation: a number that moves on every change heard and on every loss or
 * regain of the connection, and none at all while the connection is down, when changes cannot be heard.
 */
@ApplicationScoped
public class ChangeNotices {

    /** What a cache depends on, and the channel its changes are announced on. */
    public enum Subject {
        DEFINITIONS("gateway_definition_changed"),
        API_KEYS("gateway_api_key_changed");

        final String channel;

        Subject(String channel) {
            this.channel = channel;
        }
    }

    private static final Logger LOG = Logger.getLogger(ChangeNotices.class);
    private static final long RECONNECT_AFTER_MS = 1_000;

    private final Vertx vertx;
    private final PgConnectOptions options;
    private final Map<Subject, AtomicLong> generations = new EnumMap<>(Subject.class);
    private volatile boolean listening;
    private volatile boolean stopped;
    private volatile PgConnection connection;

    public ChangeNotices(Vertx vertx, @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") String password) {
        this.vertx = vertx;
        this.options = PgConnectOptions.fromUri(url).setUser(user).setPassword(password);
        for (Subject subject : Subject.values()) {
            generations.put(subject, new AtomicLong());
        }
    }

    /** The subject's current generation; empty while changes cannot be heard. */
    public OptionalLong generation(Subject subject) {
        return listening ? OptionalLong.of(generations.get(subject).get()) : OptionalLong.empty();
    }

    /** A change this replica made: its readers need not wait for the notification. */
    public void changedHere(Subject subject) {
        generations.get(subject).incrementAndGet();
    }

    void start(@Observes StartupEvent event) {
        listen();
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        PgConnection open = connection;
        if (open != null) {
            open.closeAndForget();
        }
    }

    private void listen() {
        String listenToAll = String.join("; ", Arrays.stream(Subject.values())
                .map(subject -> "LISTEN " + subject.channel).toList());
        PgConnection.connect(vertx, options)
                .invoke(opened -> {
                    connection = opened;
                    opened.notificationHandler(notice -> {
                        for (Subject subject : Subject.values()) {
                            if (subject.channel.equals(notice.getChannel())) {
                                changedHere(subject);
                            }
                        }
                    });
                    opened.closeHandler(() -> lost(opened));
                })
                .call(opened -> opened.query(listenToAll).execute()
                        .onFailure().call(failure -> opened.close()))
                .subscribe().with(opened -> {
                    everyGenerationMoves();
                    listening = true;
                }, failure -> {
                    LOG.warnf("cannot listen for changes of definitions and API keys (%s); they are read from the"
                            + " database until it can", failure.getMessage());
                    if (connection == null) {
                        reconnectLater();
                    }
                });
    }

    private void lost(PgConnection closed) {
        listening = false;
        everyGenerationMoves();
        if (connection == closed) {
            connection = null;
            reconnectLater();
        }
    }

    private void everyGenerationMoves() {
        generations.values().forEach(AtomicLong::incrementAndGet);
    }

    private void reconnectLater() {
        if (!stopped) {
            vertx.setTimer(RECONNECT_AFTER_MS, timer -> listen());
        }
    }
}
