package dev.promptjuggler.executor.support;

import java.util.Map;

/**
 * The local broker's listener that requires a SASL/SCRAM-SHA-512 login (deploy/local/infra.sh), and the
 * {@code kafka.*} settings a service uses to reach it, as it would reach a secured cluster.
 */
public final class SecuredBroker {

    private SecuredBroker() {
    }

    public static String bootstrap() {
        String port = System.getenv("PJ_KAFKA_SASL_PORT");
        if (port == null) {
            port = String.valueOf(Integer.parseInt(System.getenv().getOrDefault("PJ_KAFKA_PORT", "19092")) + 2);
        }
        return "127.0.0.1:" + port;
    }

    public static String user() {
        return System.getenv().getOrDefault("PJ_KAFKA_SCRAM_USER", "pj");
    }

    public static String password() {
        return System.getenv().getOrDefault("PJ_KAFKA_SCRAM_PASSWORD", "pj-local-scram");
    }

    /** The settings under {@code kafka.} (without the prefix) that log in as {@code user} with {@code password}. */
    public static Map<String, String> settings(String user, String password) {
        return Map.of("bootstrap.servers", bootstrap(),
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + user + "\" password=\"" + password + "\";");
    }
}
