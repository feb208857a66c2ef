package dev.promptjuggler.gateway.service;

import dev.promptjuggler.gateway.config.StreamConfig;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Stream tokens: JWTs (HS256, SmallRye JWT) that let their bearer read one thread's stream of one tenant until
 * they expire, and nothing else. The audience keeps them off every other endpoint: API keys are opaque random
 * strings looked up in the database, so neither credential can pass for the other.
 */
@ApplicationScoped
public class StreamTokens {

    static final String ISSUER = "promptjuggler-api-gateway";
    static final String AUDIENCE = "thread-stream";
    private static final String TENANT_CLAIM = "tenant";
    private static final int MIN_KEY_BYTES = 32;

    private final SecretKey key;
    private final Duration lifetime;
    private final JWTParser parser;

    public StreamTokens(StreamConfig config) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(config.signingKey().trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("gateway.stream.signing-key must be base64", e);
        }
        if (bytes.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("gateway.stream.signing-key must hold at least " + MIN_KEY_BYTES
                    + " bytes, it has " + bytes.length);
        }
        this.key = new SecretKeySpec(bytes, "HmacSHA256");
        this.lifetime = config.tokenLifetime();
        var context = new JWTAuthContextInfo();
        context.setSecretVerificationKey(key);
        context.setIssuedBy(ISSUER);
        context.setExpectedAudience(Set.of(AUDIENCE));
        context.setSignatureAlgorithm(Set.of(SignatureAlgorithm.HS256));
        // A token is refused the second it expires: it is renewed on every reconnect anyway.
        context.setExpGracePeriodSecs(0);
        context.setClockSkew(0);
        this.parser = new DefaultJWTParser(context);
    }

    public Minted mint(UUID tenantId, UUID threadId) {
        Instant now = Instant.now();
        Instant expiresAt = now.plus(lifetime);
        String token = Jwt.issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(threadId.toString())
                .claim(TENANT_CLAIM, tenantId.toString())
                .issuedAt(now.getEpochSecond())
                .expiresAt(expiresAt.getEpochSecond())
                .jws().algorithm(SignatureAlgorithm.HS256)
                .sign(key);
        return new Minted(token, Instant.ofEpochSecond(expiresAt.getEpochSecond()));
    }

    /** @return the grant the token carries; empty when it is not a valid, unexpired stream token of this gateway */
    public Optional<Grant> verify(String token) {
        try {
            JsonWebToken jwt = parser.parse(token);
            return Optional.of(new Grant(UUID.fromString(jwt.getClaim(TENANT_CLAIM).toString()),
                    UUID.fromString(jwt.getSubject())));
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public record Minted(String token, Instant expiresAt) {
    }

    /** Read access to the stream of {@code threadId}, a thread of {@code tenantId}. */
    public record Grant(UUID tenantId, UUID threadId) {
    }
}
