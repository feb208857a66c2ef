package dev.promptjuggler.executor.config;

import dev.promptjuggler.contracts.secret.SecretCipher;
import io.smallrye.config.ConfigMapping;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

@ConfigMapping(prefix = "secrets")
public interface SecretsConfig {

    /** The key api-gateway encrypts environment variables with (its {@code gateway.secrets-key}). */
    String key();

    class Producer {

        @Produces
        @ApplicationScoped
        SecretCipher secretCipher(SecretsConfig config) {
            return new SecretCipher(config.key());
        }
    }
}
