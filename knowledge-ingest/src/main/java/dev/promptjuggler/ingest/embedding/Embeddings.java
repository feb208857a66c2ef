package dev.promptjuggler.ingest.embedding;

import dev.promptjuggler.ingest.client.OpenAiEmbeddingClient;
import dev.promptjuggler.ingest.config.IngestConfig;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Embeds texts with the model a knowledge base recorded: the in-process MiniLM on its own bounded pool
 * (never on the event loop), or an OpenAI-compatible endpoint. Each call is a span of the trace it serves (a search
 * request's, a document's processing); an endpoint's request carries its {@code traceparent}.
 *
 * <p>MiniLM loads on a thread of its own from the start, beside the rest of the service's start on the other core
 * (the service's main has its model and tokenizers read before Quarkus boots, {@link MiniLmModel#preload});
 * the service is ready once it has loaded ({@link EmbeddingModelHealthCheck}), and whatever needs it before then
 * (a document fetched from Kafka at once) waits for it on its worker thread.
 */
@Startup
@ApplicationScoped
public class Embeddings {

    private final CompletableFuture<MiniLmModel> local;
    private final ExecutorService pool;
    private final ExecutorService queries;
    private final OpenAiEmbeddingClient openai;
    private final int batchSize;
    private final Tracer tracer;

    public Embeddings(IngestConfig config, OpenAiEmbeddingClient openai, Tracer tracer) {
        int intraOpThreads = config.embedding().intraOpThreads();
        this.local = CompletableFuture.supplyAsync(() -> new MiniLmModel(intraOpThreads),
                task -> threads("embedding-model-load-").newThread(task).start());
        this.openai = openai;
        this.tracer = tracer;
        this.batchSize = config.embedding().batchSize();
        this.pool = Executors.newFixedThreadPool(config.embedding().threads(), threads("embedding-"));
        this.queries = Executors.newFixedThreadPool(config.embedding().queryThreads(), threads("query-embedding-"));
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    public int batchSize() {
        return batchSize;
    }

    /**
     * Chunks are counted with MiniLM's tokenizer whatever the model: for an OpenAI-compatible model the count
     * is an estimate (no BPE tokenizer ships with the service).
     */
    public TokenCounter tokenizer() {
        return texts -> local().count(texts);
    }

    /** Whether MiniLM has loaded; a failure to load it is thrown. */
    public boolean localModelLoaded() {
        if (!local.isDone()) {
            return false;
        }
        local();
        return true;
    }

    /** MiniLM, once loaded (blocking until then: worker threads only). */
    private MiniLmModel local() {
        try {
            return local.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /**
     * Chunks of documents, on the encoder pool.
     *
     * @param trace the document's processing span
     */
    public Uni<List<float[]>> embed(Model model, List<String> texts, Context trace) {
        return traced(model, texts, pool, trace);
    }

    /**
     * A search query, on a pool of its own: a search never waits behind a document's batch (the model is
     * thread-safe; the two pools share the cores).
     *
     * @param trace the search request's span
     */
    public Uni<float[]> embedQuery(Model model, String query, Context trace) {
        return traced(model, List.of(query), queries, trace).map(vectors -> vectors.get(0));
    }

    private Uni<List<float[]>> traced(Model model, List<String> texts, ExecutorService threads, Context trace) {
        Span span = tracer.spanBuilder("embeddings " + model.name())
                .setParent(trace)
                .setSpanKind("openai".equals(model.provider()) ? SpanKind.CLIENT : SpanKind.INTERNAL)
                .setAttribute("gen_ai.operation.name", "embeddings")
                .setAttribute("gen_ai.provider.name", model.provider())
                .setAttribute("gen_ai.request.model", model.name())
                .setAttribute("promptjuggler.embedding.texts", texts.size())
                .startSpan();
        return Uni.createFrom().deferred(() -> embed(model, texts, threads, trace.with(span)))
                .onFailure().invoke(failure -> span.setStatus(StatusCode.ERROR))
                .onTermination().invoke(span::end);
    }

    private Uni<List<float[]>> embed(Model model, List<String> texts, ExecutorService threads, Context trace) {
        return switch (model.provider()) {
            case "local" -> {
                if (!MiniLmModel.NAME.equals(model.name())) {
                    yield Uni.createFrom().failure(new OpenAiEmbeddingClient.EmbeddingFailedException(
                            "no in-process model named " + model.name()));
                }
                yield Uni.createFrom().item(() -> local().embed(texts)).runSubscriptionOn(threads);
            }
            case "openai" -> openai.embed(model.name(), model.dimensions(), texts, trace);
            default -> Uni.createFrom().failure(new OpenAiEmbeddingClient.EmbeddingFailedException(
                    "unknown embedding provider " + model.provider()));
        };
    }

    /** The bare model on its pool, for the benchmark's reference figure. */
    public Uni<List<float[]>> embedLocally(List<String> texts) {
        return Uni.createFrom().item(() -> local().embed(texts)).runSubscriptionOn(pool);
    }

    @PreDestroy
    void close() throws Exception {
        pool.shutdownNow();
        queries.shutdownNow();
        if (local.isDone() && !local.isCompletedExceptionally()) {
            local.join().close();
        }
    }

    /** The embedding model a knowledge base recorded. */
    public record Model(String provider, String name, int dimensions) {
    }
}
