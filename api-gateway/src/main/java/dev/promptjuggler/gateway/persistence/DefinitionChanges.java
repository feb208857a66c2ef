package dev.promptjuggler.gateway.persistence;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Tells this replica, within milliseconds, that some replica changed what a version reference may resolve to: a
 * revision published, a tag moved or deleted, a definition renamed, archived or deleted. Triggers on those tables
 * (migration {@code gateway/V17_10}) notify the channel {@value #CHANNEL} when the change commits; this listens on a
 * connection of its own, outside the pool (a pooled connection goes back to other requests), and reconnects when
 * it is lost.
 *
 * <p>What it offers is a generation: a number that moves on every change heard and on every loss or regain of the
 * connection, and none at all while the connection is down, when changes cannot be heard.
 */
@ApplicationScoped
public class DefinitionChanges {

    static final String CHANNEL = "gateway_definition_changed";
    private static final Logger LOG = Logger.getLogger(DefinitionChanges.class);
    private static final long RECONNECT_AFTER_MS = 1_000;

    private final Vertx vertx;
    private final PgConnectOptions options;
    private final AtomicLong generation = new AtomicLong();
    private volatile boolean listening;
    private volatile boolean stopped;
    private volatile PgConnection connection;

    public DefinitionChanges(Vertx vertx, @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") String password) {
        this.vertx = vertx;
        this.options = PgConnectOptions.fromUri(url).setUser(user).setPassword(password);
    }

    /** The current generation; empty while changes cannot be heard. */
    public OptionalLong generation() {
        return listening ? OptionalLong.of(generation.get()) : OptionalLong.empty();
    }

    /** A change this replica made: its readers need not wait for the notification. */
    public void changedHere() {
        generation.incrementAndGet();
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
        PgConnection.connect(vertx, options)
                .invoke(opened -> {
                    connection = opened;
                    opened.notificationHandler(notice -> generation.incrementAndGet());
                    opened.closeHandler(() -> lost(opened));
                })
                .call(opened -> opened.query("LISTEN " + CHANNEL).execute()
                        .onFailure().call(failure -> opened.close()))
                .subscribe().with(opened -> {
                    generation.incrementAndGet();
                    listening = true;
                }, failure -> {
                    LOG.warnf("cannot listen for definition changes (%s); version references are read from the"
                            + " database until it can", failure.getMessage());
                    if (connection == null) {
                        reconnectLater();
                    }
                });
    }

    private void lost(PgConnection closed) {
        listening = false;
        generation.incrementAndGet();
        if (connection == closed) {
            connection = null;
            reconnectLater();
        }
    }

    private void reconnectLater() {
        if (!stopped) {
            vertx.setTimer(RECONNECT_AFTER_MS, timer -> listen());
        }
    }
}
