package dev.promptjuggler.ingest.embedding;

import dev.promptjuggler.ingest.client.OpenAiEmbeddingClient;
import dev.promptjuggler.ingest.config.IngestConfig;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Embeds texts with the model a knowledge base recorded: the in-process MiniLM on its own bounded pool
 * (never on the event loop), or an OpenAI-compatible endpoint.
 */
@Startup
@ApplicationScoped
public class Embeddings {

    private final MiniLmModel local;
    private final ExecutorService pool;
    private final OpenAiEmbeddingClient openai;
    private final int batchSize;

    public Embeddings(IngestConfig config, OpenAiEmbeddingClient openai) {
        this.local = new MiniLmModel(config.embedding().intraOpThreads());
        this.openai = openai;
        this.batchSize = config.embedding().batchSize();
        AtomicInteger number = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(config.embedding().threads(), task -> {
            Thread thread = new Thread(task, "embedding-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    public int batchSize() {
        return batchSize;
    }

    /**
     * Chunks are counted with MiniLM's tokenizer whatever the model: for an OpenAI-compatible model the count
     * is an estimate (no BPE tokenizer ships with the service).
     */
    public TokenCounter tokenizer() {
        return local;
    }

    public Uni<List<float[]>> embed(Model model, List<String> texts) {
        return switch (model.provider()) {
            case "local" -> {
                if (!MiniLmModel.NAME.equals(model.name())) {
                    yield Uni.createFrom().failure(new OpenAiEmbeddingClient.EmbeddingFailedException(
                            "no in-process model named " + model.name()));
                }
                yield Uni.createFrom().item(() -> local.embed(texts)).runSubscriptionOn(pool);
            }
            case "openai" -> openai.embed(model.name(), model.dimensions(), texts);
            default -> Uni.createFrom().failure(new OpenAiEmbeddingClient.EmbeddingFailedException(
                    "unknown embedding provider " + model.provider()));
        };
    }

    /** The bare model on its pool, for the benchmark's reference figure. */
    public Uni<List<float[]>> embedLocally(List<String> texts) {
        return Uni.createFrom().item(() -> local.embed(texts)).runSubscriptionOn(pool);
    }

    @PreDestroy
    void close() throws Exception {
        pool.shutdownNow();
        local.close();
    }

    /** The embedding model a knowledge base recorded. */
    public record Model(String provider, String name, int dimensions) {
    }
}
