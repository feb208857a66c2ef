package dev.promptjuggler.gateway.service;

import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.config.GatewayConfig;
import dev.promptjuggler.gateway.persistence.ApiKeyRepository;
import dev.promptjuggler.gateway.persistence.ApiKeyRepository.AuthenticatedKey;
import dev.promptjuggler.gateway.persistence.ApiKeyRepository.StoredKey;
import dev.promptjuggler.gateway.persistence.ChangeNotices;
import dev.promptjuggler.gateway.persistence.ChangeNotices.Subject;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** API keys: 256 random bits shown once, stored only as a SHA-256 digest (hex). */
@ApplicationScoped
public class ApiKeyService {

    private static final String KEY_PREFIX = "pj_";
    private static final int DISPLAY_PREFIX_LENGTH = 10;

    private final SecureRandom random = new SecureRandom();
    private final ApiKeyRepository keys;
    private final ChangeNotices changes;
    /** Keys found, by their digest: an entry is the key's own, so no tenant can be answered with another's. */
    private final NoticedCache<String, AuthenticatedKey> authenticated;

    public ApiKeyService(ApiKeyRepository keys, ChangeNotices changes, GatewayConfig config) {
        this.keys = keys;
        this.changes = changes;
        this.authenticated = new NoticedCache<>(changes, Subject.API_KEYS, config.accept().apiKeyCacheTtl(),
                config.accept().apiKeyCacheSize());
    }

    /** A fresh key and what is stored of it. */
    public NewKey generate() {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String key = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new NewKey(UUID.randomUUID(), key, key.substring(0, DISPLAY_PREFIX_LENGTH), hash(key));
    }

    /**
     * The active key, read once and reused until any key or tenant changes (see {@link NoticedCache}); unknown and
     * revoked keys are read every time.
     */
    public Uni<Optional<AuthenticatedKey>> authenticate(String key) {
        String hash = hash(key);
        return authenticated.get(hash, () -> keys.findActiveByHash(hash).map(found -> found.orElse(null)))
                .map(Optional::ofNullable);
    }

    /** @return the stored key and, once, its secret */
    public Uni<CreatedKey> create(UUID tenantId, String name, ApiKeyScope scope) {
        NewKey key = generate();
        return keys.insert(tenantId, name, scope, key).map(stored -> new CreatedKey(stored, key.key()));
    }

    public Uni<List<StoredKey>> list(UUID tenantId) {
        return keys.list(tenantId);
    }

    public Uni<Void> revoke(UUID tenantId, UUID id) {
        return keys.revoke(tenantId, id).invoke(revoked -> {
            // Before the answer: from it on, no request here is let in with the key.
            changes.changedHere(Subject.API_KEYS);
            if (!revoked) {
                throw ApiException.notFound("API key " + id + " not found");
            }
        }).replaceWithVoid();
    }

    static String hash(String key) {
        return sha256Hex(key);
    }

    public static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /** @param key the secret, returned to the caller once and never stored */
    public record NewKey(UUID id, String key, String prefix, String hash) {
    }

    public record CreatedKey(StoredKey stored, String key) {
    }
}
