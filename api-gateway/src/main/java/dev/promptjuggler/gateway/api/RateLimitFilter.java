package dev.promptjuggler.gateway.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.promptjuggler.gateway.config.GatewayConfig;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Per-API-key rate limit (a token bucket per key, in this replica's memory): 429 with
 * {@code Retry-After} when a key is over its limit, and the {@code RateLimit-*} headers on every
 * limited response.
 */
@ApplicationScoped
public class RateLimitFilter {

    private static final String PROBE = RateLimitFilter.class.getName() + ".probe";

    private final GatewayConfig.RateLimit config;
    private final Caller caller;
    private final Cache<UUID, Bucket> buckets;

    public RateLimitFilter(GatewayConfig config, Caller caller) {
        this.config = config.rateLimit();
        this.caller = caller;
        // A key idle for two periods has a full bucket again, so forgetting it loses nothing.
        this.buckets = Caffeine.newBuilder().expireAfterAccess(this.config.period().multipliedBy(2)).build();
    }

    @ServerRequestFilter(priority = Priorities.AUTHORIZATION)
    public Optional<Response> limit(ContainerRequestContext request) {
        if (!config.enabled() || !caller.isAuthenticated()) {
            return Optional.empty();
        }
        Bucket bucket = buckets.get(caller.keyId(), key -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(config.requests())
                        .refillGreedy(config.requests(), config.period()).build())
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        request.setProperty(PROBE, probe);
        if (probe.isConsumed()) {
            return Optional.empty();
        }
        return Optional.of(Response.fromResponse(ErrorMappers.error(429, "rate limit exceeded: "
                        + config.requests() + " requests per " + config.period().toSeconds() + " s for this API key"))
                .header("Retry-After", secondsUntil(probe.getNanosToWaitForRefill()))
                .build());
    }

    @ServerResponseFilter
    public void headers(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(PROBE) instanceof ConsumptionProbe probe) {
            response.getHeaders().putSingle("RateLimit-Limit", config.requests());
            response.getHeaders().putSingle("RateLimit-Remaining", probe.getRemainingTokens());
            response.getHeaders().putSingle("RateLimit-Reset", secondsUntil(probe.getNanosToWaitForReset()));
        }
    }

    private static long secondsUntil(long nanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos + Duration.ofSeconds(1).toNanos() - 1));
    }
}
