package dev.promptjuggler.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The threads' live streams: stream tokens and the server-sent events of {@code GET /api/v1/threads/{id}/stream}. */
@ConfigMapping(prefix = "gateway.stream")
public interface StreamConfig {

    /**
     * At least 32 random bytes, base64: the HMAC key (HS256) that signs and verifies stream tokens. Every gateway
     * replica needs the same key, or a token minted by one is refused by another.
     */
    String signingKey();

    /** How long a stream token is accepted; a browser SDK fetches a new one on every reconnect. */
    @WithDefault("10m")
    Duration tokenLifetime();

    /** Interval of the comment ({@code : ping}) written to every open stream, so idle connections stay open. */
    @WithDefault("15s")
    Duration heartbeatInterval();

    /**
     * Kafka consumers that serve resumes ({@code Last-Event-ID}): each reads one resuming stream's missed frames
     * at a time, then hands it to the live feed. More of them shorten the wait after many clients reconnect at
     * once (a gateway restart).
     */
    @WithDefault("2")
    int catchUpReaders();

    /**
     * Bytes a stream may have waiting to be written to a slow client; past it the gateway closes the connection,
     * and the client resumes from its cursor without loss.
     */
    @WithDefault("1048576")
    int maxQueuedBytes();
}
