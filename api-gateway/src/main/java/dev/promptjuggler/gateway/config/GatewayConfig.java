package dev.promptjuggler.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /**
     * Operator secret that guards {@code POST /manage/v1/bootstrap} (header {@code X-Bootstrap-Token}).
     * Without it, bootstrap is disabled.
     */
    Optional<String> bootstrapToken();

    /**
     * 32 random bytes, base64: the key that encrypts environment variables at rest. run-executor must be
     * given the same key to read what the gateway encrypts.
     */
    String secretsKey();

    /** Environment a run gets when its request names none and its tenant has no default of its own. */
    @WithDefault("production")
    String defaultEnvironment();

    /**
     * Largest JSON request body; larger ones get 413. Uploads have their own limits (knowledge.*); the
     * HTTP layer's {@code quarkus.http.limits.max-body-size} caps everything.
     */
    @WithDefault("1048576")
    long maxJsonBodyBytes();

    RateLimit rateLimit();

    Accept accept();

    RunEnvVars runEnvVars();

    Retention retention();

    /**
     * Pruning what tenants keep for a limited time ({@code retention_days}, set with {@code PUT /manage/v1/retention};
     * off by default). Each replica prunes; rows are shared with {@code SKIP LOCKED}.
     */
    interface Retention {

        /** How often each replica prunes, e.g. {@code 1h} ({@code off} disables it). */
        @WithDefault("1h")
        String every();

        /** Rows one batch deletes at most: one short transaction each. */
        @WithDefault("500")
        int batch();

        /** The pause between two batches, so pruning never crowds out the requests on the same tables. */
        @WithDefault("100ms")
        Duration pause();
    }

    /** A run's per-request envVars (stored encrypted with the run) live until the run has ended. */
    interface RunEnvVars {

        /**
         * How often each replica erases the envVars of runs that ended since: at most this long after its end a
         * run's variables are gone.
         */
        @WithDefault("1s")
        Duration eraseEvery();
    }

    /**
     * How a create-run request is answered. The run and its outbox row commit together; the request then waits
     * up to {@link #publishWait()} for the broker's acknowledgement and answers 200 either way, because from the
     * commit on the run is accepted: what the request path could not publish, the outbox relay publishes.
     */
    interface Accept {

        /** Longest wait for the broker's acknowledgement of a run's request before answering. */
        @WithDefault("2s")
        Duration publishWait();

        /** How often each replica's relay looks for runs whose request was not acknowledged. */
        @WithDefault("500ms")
        Duration relayEvery();

        /** Runs one relay pass takes at most. */
        @WithDefault("500")
        int relayBatch();

        /** How long a relayed run is left alone before it is published again if no acknowledgement came. */
        @WithDefault("2s")
        Duration relayLease();

        /**
         * How long a resolved version reference (slug and version, tag or {@code __latest__}) is reused by this
         * replica at most (service/RevisionReferenceCache). Every change of a definition, from any replica, clears it
         * within milliseconds (persistence/ChangeNotices); this bounds what a lost notification could leave
         * stale. 0 resolves every request in the database.
         */
        @WithDefault("30s")
        Duration revisionCacheTtl();

        /** Version references cached at most; past it the cache starts over. */
        @WithDefault("10000")
        int revisionCacheSize();

        /**
         * How long an authenticated API key (with its tenant's defaults) is reused by this replica at most
         * (service/ApiKeyService). A key revoked here is refused from its next request; revoked on another replica,
         * or its tenant changed, from when the database's notification arrives, within milliseconds
         * (persistence/ChangeNotices); this bounds what a lost notification could leave stale. 0 reads the key in
         * the database on every request.
         */
        @WithDefault("30s")
        Duration apiKeyCacheTtl();

        /** API keys cached at most; past it the cache starts over. */
        @WithDefault("10000")
        int apiKeyCacheSize();
    }

    /** Requests per API key, counted by each gateway replica on its own. */
    interface RateLimit {

        /** Off by default (the local stack); production turns it on. */
        @WithDefault("false")
        boolean enabled();

        /** Requests a key may make per {@link #period()}; bursts up to this many are allowed. */
        @WithDefault("100")
        long requests();

        @WithDefault("1s")
        Duration period();
    }
}
