package dev.promptjuggler.gateway.config;

import dev.promptjuggler.contracts.secret.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

public class SecretsProducer {

    @Produces
    @ApplicationScoped
    SecretCipher secretCipher(GatewayConfig config) {
        return new SecretCipher(config.secretsKey());
    }
}
