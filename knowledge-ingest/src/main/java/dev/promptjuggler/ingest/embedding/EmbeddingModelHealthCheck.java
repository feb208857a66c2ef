package dev.promptjuggler.ingest.embedding;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once the in-process embedding model has loaded, which chunking (its tokenizer) and search need. */
@Readiness
@ApplicationScoped
public class EmbeddingModelHealthCheck implements HealthCheck {

    private final Embeddings embeddings;

    public EmbeddingModelHealthCheck(Embeddings embeddings) {
        this.embeddings = embeddings;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("embedding model").withData("model", MiniLmModel.NAME);
        try {
            return embeddings.localModelLoaded() ? response.up().build()
                    : response.down().withData("reason", "loading").build();
        } catch (RuntimeException e) {
            return response.down().withData("reason", "failed to load: " + e.getMessage()).build();
        }
    }
}
