package dev.promptjuggler.ingest.service;

import com.pgvector.PGvector;
import dev.promptjuggler.contracts.knowledge.KnowledgeBaseFinished;
import dev.promptjuggler.contracts.knowledge.KnowledgeBaseStatus;
import dev.promptjuggler.contracts.knowledge.KnowledgeDocumentFinished;
import dev.promptjuggler.contracts.knowledge.KnowledgeDocumentStatus;
import dev.promptjuggler.ingest.chunking.Chunk;
import dev.promptjuggler.ingest.chunking.Chunker;
import dev.promptjuggler.ingest.client.OpenAiEmbeddingClient.EmbeddingFailedException;
import dev.promptjuggler.ingest.client.UrlFetcher;
import dev.promptjuggler.ingest.client.UrlFetcher.Page;
import dev.promptjuggler.ingest.config.IngestConfig;
import dev.promptjuggler.ingest.embedding.Embeddings;
import dev.promptjuggler.ingest.messaging.KnowledgeFinishedPublisher;
import dev.promptjuggler.ingest.metrics.IngestMetrics;
import dev.promptjuggler.ingest.parsing.DocumentParser;
import dev.promptjuggler.ingest.parsing.UnreadableDocumentException;
import dev.promptjuggler.ingest.persistence.DocumentStore;
import dev.promptjuggler.ingest.persistence.DocumentStore.BaseState;
import dev.promptjuggler.ingest.persistence.DocumentStore.DocumentWork;
import dev.promptjuggler.ingest.persistence.DocumentStore.PendingChunk;
import dev.promptjuggler.runtime.lifecycle.Drain;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * A document's state machine, resumable from any state: pending → (parse, chunk) sealed → (embed, batch by
 * batch) ready, or failed with a reason. Every step is idempotent, so a redelivered event, a restart after
 * a crash or the sweeper simply continue from the committed state, and no chunk is ever stored twice.
 *
 * <p>What can never succeed ends failed at once (content that does not parse, an unsupported type, a refused
 * embedding); a document claimed more than {@code max-claims} times (its instances died on it, or gave up
 * on it, each time) ends failed instead of being taken up again. Both are counted in
 * {@code ingest.documents.abandoned}, by reason; created at startup, so the counters are reported from the start.
 */
@Startup
@ApplicationScoped
public class DocumentProcessor {

    private static final Logger LOG = Logger.getLogger(DocumentProcessor.class);

    private final DocumentStore documents;
    private final Embeddings embeddings;
    private final Chunker chunker;
    private final KnowledgeFinishedPublisher publisher;
    private final UrlFetcher urls;
    private final IngestConfig.Processing config;
    private final ExecutorService parsers;
    /** Documents this instance is working on, for the drain at shutdown. */
    private final Set<UUID> inWork = ConcurrentHashMap.newKeySet();
    private final IngestMetrics metrics;
    /** The trace each document in work belongs to: its notices continue it. */
    private final Map<UUID, Context> traces = new ConcurrentHashMap<>();

    /** Why a document ended failed: the {@code reason} tag of {@code ingest.documents.abandoned}. */
    private enum Abandoned {
        /** It does not parse as its type, holds no text, its type is not supported, or its URL could not be fetched. */
        UNREADABLE,
        /** The embeddings endpoint refused it. */
        EMBEDDING_REFUSED,
        /** Claimed more than {@code max-claims} times without finishing. */
        MAX_CLAIMS
    }

    public DocumentProcessor(DocumentStore documents, Embeddings embeddings, KnowledgeFinishedPublisher publisher,
            UrlFetcher urls, IngestConfig config, IngestMetrics metrics) {
        this.documents = documents;
        this.urls = urls;
        this.embeddings = embeddings;
        this.chunker = new Chunker(embeddings.tokenizer());
        this.publisher = publisher;
        this.config = config.processing();
        AtomicInteger number = new AtomicInteger();
        this.parsers = Executors.newFixedThreadPool(this.config.parserThreads(), task -> {
            Thread thread = new Thread(task, "parser-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.metrics = metrics;
        metrics.inWork(inWork::size);
    }

    /**
     * Takes the document as far as it goes: to its final state and its notices, or to "deleted".
     *
     * @param trace the span its processing belongs to (its upload's trace); its notices are published under it
     */
    public Uni<Void> process(UUID documentId, UUID knowledgeBaseId, Context trace) {
        return Uni.createFrom().deferred(() -> {
            inWork.add(documentId);
            traces.put(documentId, trace);
            return work(documentId, knowledgeBaseId);
        }).eventually(() -> {
            inWork.remove(documentId);
            traces.remove(documentId);
        });
    }

    private Context trace(UUID documentId) {
        return traces.getOrDefault(documentId, Context.root());
    }

    private Uni<Void> work(UUID documentId, UUID knowledgeBaseId) {
        return documents.load(documentId).chain(found -> {
            if (found.isEmpty()) {
                return deleted(documentId, knowledgeBaseId);
            }
            DocumentWork work = found.get();
            return switch (work.status()) {
                case PENDING -> documents.claim(documentId, config.lease()).chain(claims -> outOfClaims(claims)
                        ? abandon(work, claims.get()) : sealThenEmbed(work));
                case SEALED -> documents.claim(documentId, config.lease()).chain(claims -> outOfClaims(claims)
                        ? abandon(work, claims.get())
                        : documents.unembedded(documentId).chain(pending -> embedThenFinish(work, pending)));
                case READY, FAILED -> work.notified() ? Uni.createFrom().voidItem() : renotify(work);
            };
        });
    }

    private Uni<Void> sealThenEmbed(DocumentWork work) {
        return documents.content(work.id())
                .chain(content -> content.isEmpty() ? Uni.createFrom().item(Optional.<List<Chunk>>empty())
                        : chunksOf(work, content.get()).map(Optional::of))
                .chain(chunks -> chunks.isEmpty()
                        ? deleted(work.id(), work.knowledgeBaseId())
                        : documents.seal(work.id(), work.knowledgeBaseId(), chunks.get())
                                .chain(sealed -> sealed
                                        // Straight on with the chunks in hand: no second load, claim and read.
                                        ? embedThenFinish(work, DocumentStore.shortestFirst(chunks.get()))
                                        : process(work.id(), work.knowledgeBaseId(), trace(work.id()))))
                .onFailure(UnreadableDocumentException.class)
                .recoverWithUni(failure -> fail(work, Abandoned.UNREADABLE, failure.getMessage()));
    }

    /** A URL document's page is fetched first (its stored content is the URL); parsing runs on the parsers' pool. */
    private Uni<List<Chunk>> chunksOf(DocumentWork work, byte[] content) {
        Uni<Page> page = UrlFetcher.URL_DOCUMENT.equals(work.mimeType())
                ? urls.fetch(new String(content, StandardCharsets.UTF_8))
                : Uni.createFrom().item(new Page(work.mimeType(), content));
        return page.chain(fetched -> Uni.createFrom().item(() -> chunks(work, fetched)).runSubscriptionOn(parsers));
    }

    private List<Chunk> chunks(DocumentWork work, Page page) {
        List<Chunk> chunks = chunker.chunk(DocumentParser.parse(page.mimeType(), page.content()), work.chunkMaxTokens(),
                work.chunkOverlapTokens());
        if (chunks.isEmpty()) {
            throw new UnreadableDocumentException("no text found in the document");
        }
        return chunks;
    }

    private Uni<Void> embedThenFinish(DocumentWork work, List<PendingChunk> pending) {
        return embedInBatches(work, pending, 0)
                .chain(stillInWork -> stillInWork
                        ? documents.finish(work.id(), work.knowledgeBaseId(), KnowledgeDocumentStatus.READY, null)
                        : Uni.createFrom().item(Optional.<DocumentStore.Finished>empty()))
                .chain(finished -> finished.isEmpty()
                        ? process(work.id(), work.knowledgeBaseId(), trace(work.id()))
                        : Uni.createFrom().voidItem().invoke(() -> metrics.finished("ready"))
                                .chain(() -> notifyFinished(work, KnowledgeDocumentStatus.READY, null,
                                        finished.get().chunkCount(), finished.get().base())))
                .onFailure(EmbeddingFailedException.class)
                .recoverWithUni(failure -> fail(work, Abandoned.EMBEDDING_REFUSED, "embedding failed: " + failure.getMessage()));
    }

    /** @return false when the document stopped being in work (deleted) before every batch was embedded */
    private Uni<Boolean> embedInBatches(DocumentWork work, List<PendingChunk> pending, int from) {
        if (from >= pending.size()) {
            return Uni.createFrom().item(true);
        }
        List<PendingChunk> batch = pending.subList(from, Math.min(pending.size(), from + embeddings.batchSize()));
        long started = System.nanoTime();
        return embeddings.embed(work.model(), batch.stream().map(PendingChunk::content).toList(), trace(work.id()))
                .invoke(() -> metrics.embedded(Duration.ofNanos(System.nanoTime() - started)))
                .chain(vectors -> documents.storeVectors(work.id(), batch.stream().map(PendingChunk::position).toList(),
                        vectors.stream().map(vector -> new PGvector(vector).toString()).toList(),
                        work.model().dimensions(), config.lease()))
                .chain(stillInWork -> stillInWork
                        ? embedInBatches(work, pending, from + batch.size())
                        : Uni.createFrom().item(false));
    }

    private boolean outOfClaims(Optional<Integer> claims) {
        return claims.isPresent() && claims.get() > config.maxClaims();
    }

    /** Ends a document that was taken up too often without finishing, instead of taking it up once more. */
    private Uni<Void> abandon(DocumentWork work, int claims) {
        return fail(work, Abandoned.MAX_CLAIMS, "abandoned after " + (claims - 1) + " claims: each time, its processing"
                + " stopped (the instance died or gave up) before the document was finished");
    }

    private Uni<Void> fail(DocumentWork work, Abandoned why, String reason) {
        LOG.infof("document %s failed: %s", work.id(), reason);
        return documents.finish(work.id(), work.knowledgeBaseId(), KnowledgeDocumentStatus.FAILED, reason)
                .chain(finished -> {
                    if (finished.isEmpty()) {
                        return process(work.id(), work.knowledgeBaseId(), trace(work.id()));
                    }
                    metrics.abandoned(why.name().toLowerCase(Locale.ROOT));
                    metrics.finished("failed");
                    return notifyFinished(work, KnowledgeDocumentStatus.FAILED, reason, 0, finished.get().base());
                });
    }

    /** Result before notice: both states are committed when this runs. */
    private Uni<Void> notifyFinished(DocumentWork work, KnowledgeDocumentStatus status, String error, int chunkCount,
            BaseState base) {
        Instant now = Instant.now();
        Uni<Void> document = publisher.publish(new KnowledgeDocumentFinished(work.id(), work.knowledgeBaseId(),
                work.tenantId(), status, chunkCount, error, now), trace(work.id()));
        Uni<Void> baseNotice = base.status() == KnowledgeBaseStatus.PENDING
                ? Uni.createFrom().voidItem()
                : publisher.publish(new KnowledgeBaseFinished(work.knowledgeBaseId(), base.tenantId(), base.status(),
                        base.documentCount(), base.chunkCount(), work.id(), now), trace(work.id()));
        return document.chain(() -> baseNotice).chain(() -> documents.markNotified(work.id()));
    }

    /**
     * The finished notice of an earlier attempt may never have reached the broker. Sent again with the same
     * event ids; the base's counts are those of now, under the finishers' lock.
     */
    private Uni<Void> renotify(DocumentWork work) {
        return documents.lockedBaseState(work.knowledgeBaseId()).chain(base -> base.isEmpty()
                ? Uni.createFrom().voidItem()
                : notifyFinished(work, work.status(), work.error(), work.chunkCount(), base.get()));
    }

    /**
     * The document was deleted (before or while it was processed): its state and the chunks stored so far are
     * removed (search and the base's counts left them out from the delete on). If that left its base with nothing
     * in progress, the base is finished.
     */
    private Uni<Void> deleted(UUID documentId, UUID knowledgeBaseId) {
        return documents.forget(documentId).chain(() -> documents.lockedBaseState(knowledgeBaseId)).chain(base -> {
            if (base.isEmpty() || base.get().status() == KnowledgeBaseStatus.PENDING) {
                return Uni.createFrom().voidItem();
            }
            BaseState state = base.get();
            return publisher.publish(new KnowledgeBaseFinished(knowledgeBaseId, state.tenantId(), state.status(),
                    state.documentCount(), state.chunkCount(), documentId, Instant.now()), trace(documentId));
        });
    }

    /**
     * The documents in work get {@code ingest.processing.drain} to finish; the leases of those still in work after
     * it are released, so another instance takes them up without counting a claim against them.
     */
    void drain(@Observes ShutdownEvent event) throws InterruptedException {
        Drain.await(inWork::isEmpty, config.drain());
        List<UUID> unfinished = List.copyOf(inWork);
        if (!unfinished.isEmpty()) {
            int released = documents.release(unfinished).await().atMost(Duration.ofSeconds(5));
            LOG.infof("stopping with %d document(s) in work after %s: released %d lease(s) for another instance",
                    unfinished.size(), config.drain(), released);
        }
    }

    @PreDestroy
    void close() {
        parsers.shutdownNow();
    }
}
