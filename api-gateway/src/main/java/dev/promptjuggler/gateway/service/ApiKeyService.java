package dev.promptjuggler.gateway.service;

import dev.promptjuggler.gateway.persistence.TenantRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/** API keys: 256 random bits shown once, stored only as a SHA-256 digest (hex). */
@ApplicationScoped
public class ApiKeyService {

    private static final String KEY_PREFIX = "pj_";
    private static final int DISPLAY_PREFIX_LENGTH = 10;

    private final SecureRandom random = new SecureRandom();
    private final TenantRepository tenants;

    public ApiKeyService(TenantRepository tenants) {
        this.tenants = tenants;
    }

    /** A fresh key and what is stored of it. */
    public NewKey generate() {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String key = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new NewKey(UUID.randomUUID(), key, key.substring(0, DISPLAY_PREFIX_LENGTH), hash(key));
    }

    public Uni<Optional<UUID>> tenantOf(String key) {
        return tenants.findTenantByKeyHash(hash(key));
    }

    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /** @param key the secret, returned to the caller once and never stored */
    public record NewKey(UUID id, String key, String prefix, String hash) {
    }
}
