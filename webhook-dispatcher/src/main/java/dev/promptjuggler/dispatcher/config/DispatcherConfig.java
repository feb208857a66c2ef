package dev.promptjuggler.dispatcher.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

@ConfigMapping(prefix = "dispatcher")
public interface DispatcherConfig {

    /** Time allowed to connect to an endpoint. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Time allowed for a whole attempt, from resolving the host to the end of the response. */
    @WithDefault("15s")
    Duration requestTimeout();

    /** Most bytes of a response body read; the rest is discarded and the connection closed. */
    @WithDefault("16384")
    int responseReadLimit();

    /** How much of a response body the delivery log keeps. */
    @WithDefault("512")
    int responseExcerptChars();

    /**
     * Name of a Quarkus TLS configuration ({@code quarkus.tls.<name>.trust-store.*}) whose trust store
     * replaces the JVM's for checking endpoints' certificates, e.g. a private CA. Unset: the JVM's
     * default trust store. Hostname verification is always on, and trust-all is refused.
     */
    Optional<String> tlsConfigurationName();

    Retry retry();

    Queue queue();

    Circuit circuit();

    Limits limits();

    Network network();

    Retention retention();

    interface Retry {

        /**
         * Delay before each attempt, counted from the previous one (the first from the fan-out). Its
         * length is the number of attempts a delivery gets before it is marked failed.
         */
        @WithDefault("0s,5s,5m,30m,2h,5h,10h,14h,20h,24h")
        List<Duration> schedule();

        /** Up to this fraction of a delay is added at random, so retries of many deliveries spread out. */
        @WithDefault("0.1")
        double jitter();

        /** Longest pause a {@code Retry-After} header can impose on an endpoint. */
        @WithDefault("6h")
        Duration maxRetryAfter();
    }

    interface Queue {

        /** How often due deliveries are looked for when nothing else wakes the dispatcher. */
        @WithDefault("1s")
        Duration pollInterval();

        /** How long a claimed delivery stays with this dispatcher; must exceed request-timeout. */
        @WithDefault("30s")
        Duration lease();

        /** How often expired leases are returned to the queue. */
        @WithDefault("5s")
        Duration sweepInterval();

        /**
         * Leases a delivery may take without an attempt being recorded. Counted when it is leased, so a
         * dispatcher that dies or stalls mid-attempt still used one; every recorded attempt (and a replay) starts
         * the count again. When a delivery's lease expires with this many used, the sweeper fails it
         * ({@code abandoned}) instead of queueing it again: something about it stops every dispatcher that sends it.
         */
        @WithDefault("5")
        int maxClaims();

        /** Deliveries in flight in this process at most, across all endpoints. */
        @WithDefault("512")
        int maxInFlight();

        /**
         * How long a stopping dispatcher waits for its attempts in flight to be answered and recorded; more than
         * {@code request-timeout}, so that only an attempt whose recording fails is left to its lease. Kubernetes'
         * termination grace period must exceed it.
         */
        @WithDefault("20s")
        Duration drain();
    }

    interface Circuit {

        /** Consecutive failed attempts after which an endpoint's deliveries are parked. */
        @WithDefault("5")
        int failureThreshold();

        /** First wait before a parked endpoint is probed; doubles after each failed probe. */
        @WithDefault("5s")
        Duration firstProbeAfter();

        /** Longest wait between probes. */
        @WithDefault("10m")
        Duration maxProbeInterval();

        /** An endpoint failing without a single success for this long is disabled. */
        @WithDefault("5d")
        Duration disableAfter();
    }

    interface Limits {

        /**
         * Requests in flight to one endpoint at most, across all dispatcher replicas. An endpoint then takes at most
         * this many deliveries per round trip: 32 at 50 ms is 640 a second. With 8 (the default until 2026-12-05)
         * one endpoint fell behind the 500 runs/s the local stack carries (docs/benchmarks.md, e2e).
         */
        @WithDefault("32")
        int maxInFlightPerEndpoint();

        /**
         * Requests per second to one endpoint at most, per dispatcher replica; 0 (the default): no rate, the
         * in-flight limit alone paces an endpoint, as fast as it answers.
         */
        @WithDefault("0")
        double ratePerEndpoint();

        /** Endpoints served per claim, oldest due work first; bounds how long one claim takes. */
        @WithDefault("200")
        int endpointsPerClaim();
    }

    interface Network {

        /**
         * Address ranges (CIDR) that may be reached although they are loopback, private, link-local,
         * unique-local, multicast or unspecified. Empty in production; the local stack allows loopback
         * for its own receiver.
         */
        Optional<List<String>> allow();
    }

    interface Retention {

        /** Events, deliveries and attempts older than this are deleted (deliveries still pending are kept). */
        @WithDefault("30d")
        Duration deliveries();

        /** How often old delivery history is pruned. */
        @WithDefault("1h")
        Duration pruneInterval();
    }
}
