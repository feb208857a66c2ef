package dev.promptjuggler.gateway.service;

import dev.promptjuggler.contracts.knowledge.KnowledgeDocumentUploaded;
import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.client.KnowledgeSearchClient;
import dev.promptjuggler.gateway.client.KnowledgeSearchClient.SearchRequest;
import dev.promptjuggler.gateway.config.GatewayConfig;
import dev.promptjuggler.gateway.config.KnowledgeConfig;
import dev.promptjuggler.gateway.messaging.DocumentUploadPublisher;
import dev.promptjuggler.gateway.persistence.KnowledgeRepository;
import dev.promptjuggler.gateway.persistence.KnowledgeRepository.BaseRow;
import dev.promptjuggler.gateway.persistence.KnowledgeRepository.DocumentRow;
import dev.promptjuggler.gateway.persistence.KnowledgeRepository.NewBase;
import dev.promptjuggler.gateway.persistence.KnowledgeRepository.NewDocument;
import dev.promptjuggler.gateway.persistence.KnowledgeRepository.StoredDocument;
import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.contracts.net.OutboundUrl;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Knowledge bases and their documents, as the gateway serves them: it stores what is uploaded and
 * announces it; knowledge-ingest does the rest and owns the chunks.
 */
@ApplicationScoped
public class KnowledgeService {

    private static final Logger LOG = Logger.getLogger(KnowledgeService.class);

    /** The in-process model of knowledge-ingest (quantized all-MiniLM-L6-v2, from its Maven artifact). */
    public static final String LOCAL_MODEL = "all-MiniLM-L6-v2-q";
    public static final int LOCAL_DIMENSIONS = 384;
    /** The local model reads at most 128 tokens, two of which are its [CLS] and [SEP] markers. */
    public static final int LOCAL_MAX_CHUNK_TOKENS = 126;
    /** A URL document's type: its stored content is the URL, which knowledge-ingest fetches (its UrlFetcher). */
    public static final String URL_DOCUMENT = "text/uri-list";

    private final KnowledgeRepository repository;
    private final DocumentUploadPublisher publisher;
    private final KnowledgeSearchClient search;
    private final KnowledgeConfig config;
    private final Duration publishWait;

    public KnowledgeService(KnowledgeRepository repository, DocumentUploadPublisher publisher,
            KnowledgeSearchClient search, KnowledgeConfig config, GatewayConfig gateway) {
        this.publishWait = gateway.accept().publishWait();
        this.repository = repository;
        this.publisher = publisher;
        this.search = search;
        this.config = config;
    }

    public Uni<BaseRow> create(UUID tenantId, String name, Chunking chunking, Embedding embedding) {
        return create(tenantId, name, chunking, embedding, null);
    }

    /** @param datasourceType the type a Promptly client gave its datasource, kept to be shown back; null otherwise */
    public Uni<BaseRow> create(UUID tenantId, String name, Chunking chunking, Embedding embedding,
            String datasourceType) {
        String slug;
        try {
            slug = Slugs.of(Slugs.KNOWLEDGE_BASE, name);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
        Embedding model = resolve(embedding);
        Chunking sizes = resolve(chunking, model);
        var base = new NewBase(UUID.randomUUID(), tenantId, name, slug, sizes.maxTokens(), sizes.overlapTokens(),
                model.provider(), model.model(), model.dimensions(), datasourceType);
        return repository.insertBase(base).chain(inserted -> {
            if (!inserted) {
                throw new ApiException(409, "a knowledge base with slug " + slug + " already exists");
            }
            return find(tenantId, slug);
        });
    }

    public Uni<BaseRow> find(UUID tenantId, String slug) {
        return repository.findBase(tenantId, slug)
                .map(found -> found.orElseThrow(() -> ApiException.notFound("knowledge base " + slug + " not found")));
    }

    public Uni<BaseRow> find(UUID tenantId, UUID id) {
        return repository.findBase(tenantId, id)
                .map(found -> found.orElseThrow(() -> ApiException.notFound("knowledge base " + id + " not found")));
    }

    public Uni<List<BaseRow>> list(UUID tenantId) {
        return repository.listBases(tenantId);
    }

    public Uni<BaseWithDocuments> findWithDocuments(UUID tenantId, String slug) {
        return find(tenantId, slug)
                .chain(base -> repository.documentsOf(base.id()).map(documents -> new BaseWithDocuments(base, documents)));
    }

    public Uni<Void> delete(UUID tenantId, String slug) {
        return repository.deleteBase(tenantId, slug).invoke(deleted -> {
            if (!deleted) {
                throw ApiException.notFound("knowledge base " + slug + " not found");
            }
        }).replaceWithVoid();
    }

    public Uni<Void> delete(UUID tenantId, UUID id) {
        return repository.deleteBase(tenantId, id).invoke(deleted -> {
            if (!deleted) {
                throw ApiException.notFound("knowledge base " + id + " not found");
            }
        }).replaceWithVoid();
    }

    public Uni<List<DocumentRow>> documents(UUID tenantId, UUID baseId) {
        return find(tenantId, baseId).chain(base -> repository.documentsOf(base.id()));
    }

    public Uni<DocumentRow> findDocument(UUID tenantId, UUID id) {
        return repository.findDocument(tenantId, id)
                .map(found -> found.orElseThrow(() -> ApiException.notFound("knowledge document " + id + " not found")));
    }

    public Uni<Void> deleteDocument(UUID tenantId, UUID id) {
        return repository.deleteDocument(tenantId, id).invoke(deleted -> {
            if (!deleted) {
                throw ApiException.notFound("knowledge document " + id + " not found");
            }
        }).replaceWithVoid();
    }

    /** A document of that base only: another base's (or tenant's) document is not found. */
    public Uni<Void> deleteDocument(UUID tenantId, UUID baseId, UUID id) {
        return find(tenantId, baseId).chain(base -> repository.deleteDocument(tenantId, base.id(), id)).invoke(deleted -> {
            if (!deleted) {
                throw ApiException.notFound("knowledge document " + id + " not found in knowledge base " + baseId);
            }
        }).replaceWithVoid();
    }

    public Uni<JsonNode> search(UUID tenantId, String slug, SearchRequest request) {
        return find(tenantId, slug).chain(base -> search.search(tenantId, base.id(), request));
    }

    /**
     * Checks every document first (name, size, content); one bad document refuses the whole request and nothing is
     * stored. Then stores them in one transaction, each with the metadata, and announces the new ones; the caller
     * gets the list once the broker has the announcements.
     *
     * @param metadata checked already ({@link DocumentMetadata}); given to every document of the request
     */
    public Uni<List<DocumentRow>> upload(UUID tenantId, String slug, List<? extends Incoming> documents,
            JsonObject metadata) {
        return find(tenantId, slug).chain(base -> store(tenantId, base, documents, metadata));
    }

    /** The same into the base with this id. */
    public Uni<List<DocumentRow>> upload(UUID tenantId, UUID baseId, List<? extends Incoming> documents,
            JsonObject metadata) {
        return find(tenantId, baseId).chain(base -> store(tenantId, base, documents, metadata));
    }

    private Uni<List<DocumentRow>> store(UUID tenantId, BaseRow base, List<? extends Incoming> documents,
            JsonObject metadata) {
        // Taken while the request's span is current: the checks below leave its thread.
        Context trace = Context.current();
        if (documents.isEmpty()) {
            throw ApiException.invalid("no files: send multipart parts files[0], files[1], … each with a filename");
        }
        if (documents.size() > config.maxFilesPerUpload()) {
            throw ApiException.invalid("too many files: " + documents.size() + "; at most "
                    + config.maxFilesPerUpload() + " per upload");
        }
        documents.forEach(this::checkNameAndSize);
        return Uni.createFrom().item(() -> documents.stream().map(Incoming::read).toList())
                // Reading files, opening containers and hashing block: keep them off the event loop.
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(checked -> repository.insertDocuments(checked.stream()
                        .map(file -> new NewDocument(UUID.randomUUID(), tenantId, base.id(), file.fileName(),
                                file.mimeType(), file.sha256(), file.content(), metadata))
                        .toList()))
                .chain(stored -> announce(tenantId, stored, trace));
    }

    private Uni<List<DocumentRow>> announce(UUID tenantId, List<StoredDocument> stored, Context trace) {
        Instant now = Instant.now();
        List<Uni<Void>> publications = stored.stream()
                .filter(StoredDocument::isNew)
                .map(StoredDocument::document)
                .map(document -> publisher.publish(new KnowledgeDocumentUploaded(document.id(), document.knowledgeBaseId(),
                        tenantId, now), trace))
                .toList();
        List<DocumentRow> documents = stored.stream().map(StoredDocument::document).toList();
        if (publications.isEmpty()) {
            return Uni.createFrom().item(documents);
        }
        // Stored is accepted: an event the broker did not take in time (or at all) is knowledge-ingest's
        // sweeper's to make up for (ingest.processing.sweep-after), so the answer never waits on the broker for long.
        return Uni.join().all(publications).andCollectFailures().replaceWith(documents)
                .ifNoItem().after(publishWait).recoverWithItem(documents)
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("announcing uploaded documents failed (%s); knowledge-ingest's sweeper takes them up", failure);
                    return documents;
                });
    }

    private void checkNameAndSize(Incoming document) {
        String fileName = document.fileName();
        if (fileName == null || fileName.isBlank()) {
            throw ApiException.invalid(document.partName() + " has no file name");
        }
        if (fileName.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.invalid(document.partName() + " has a file name with control characters");
        }
        if (document.typedByName() && DocumentType.byName(fileName).isEmpty()) {
            throw ApiException.invalid("file " + fileName + " has an unsupported type; accepted: "
                    + DocumentType.ACCEPTED);
        }
        if (document.size() == 0) {
            throw ApiException.invalid("file " + fileName + " is empty");
        }
        if (document.size() > config.maxFileBytes()) {
            throw new ApiException(413, "file " + fileName + " is " + document.size() + " bytes; the limit is "
                    + config.maxFileBytes() + " bytes per file");
        }
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private Embedding resolve(Embedding requested) {
        if (requested == null || requested.provider() == null || "local".equals(requested.provider())) {
            if (requested != null && requested.model() != null && !LOCAL_MODEL.equals(requested.model())) {
                throw ApiException.invalid("embedding.model: the local provider has only " + LOCAL_MODEL);
            }
            return new Embedding("local", LOCAL_MODEL, LOCAL_DIMENSIONS);
        }
        if (requested.model() == null || requested.model().isBlank()) {
            throw ApiException.invalid("embedding.model is required for provider " + requested.provider());
        }
        if (requested.dimensions() == null) {
            throw ApiException.invalid("embedding.dimensions is required for provider " + requested.provider());
        }
        return requested;
    }

    private static Chunking resolve(Chunking requested, Embedding model) {
        boolean local = "local".equals(model.provider());
        int ceiling = local ? LOCAL_MAX_CHUNK_TOKENS : 8000;
        int maxTokens = requested != null && requested.maxTokens() != null ? requested.maxTokens() : (local ? 120 : 400);
        int overlap = requested != null && requested.overlapTokens() != null ? requested.overlapTokens() : maxTokens / 6;
        if (maxTokens < 16 || maxTokens > ceiling) {
            throw ApiException.invalid("chunking.maxTokens must be between 16 and " + ceiling + " for " + model.model());
        }
        if (overlap < 0 || overlap > maxTokens / 2) {
            throw ApiException.invalid("chunking.overlapTokens must be between 0 and half of chunking.maxTokens");
        }
        return new Chunking(maxTokens, overlap);
    }

    /**
     * A document to store, as a request brought it: a file (multipart part or base64), raw text or a URL. Checked
     * by name and size on the request's thread, read and checked by content on a worker.
     */
    public sealed interface Incoming permits IncomingFile, IncomingBytes, IncomingText, IncomingUrl {

        /** What the caller calls it in the request, for errors: a part's name, a field's path. */
        String partName();

        String fileName();

        long size();

        /** Whether its type comes from its file name's extension (a file's) rather than from what it is. */
        default boolean typedByName() {
            return true;
        }

        /** Its stored bytes and type; blocking, and refusing content that is not what it claims to be (422). */
        CheckedFile read();
    }

    /** A file part of an upload request, as the HTTP layer stored it on disk (deleted after the request). */
    public record IncomingFile(String partName, String fileName, Path path, long size) implements Incoming {

        @Override
        public CheckedFile read() {
            try {
                return CheckedFile.of(fileName, Files.readAllBytes(path), path);
            } catch (IOException e) {
                throw new UncheckedIOException("reading upload " + fileName, e);
            }
        }
    }

    /** A file sent inside a JSON body (base64, decoded already). */
    public record IncomingBytes(String partName, String fileName, byte[] content) implements Incoming {

        @Override
        public long size() {
            return content.length;
        }

        @Override
        public CheckedFile read() {
            if (DocumentType.byName(fileName).orElseThrow() != DocumentType.DOCX) {
                return CheckedFile.of(fileName, content, null);
            }
            // A DOCX is checked through its ZIP directory, read from a file.
            Path stored = null;
            try {
                stored = Files.createTempFile("upload-", ".docx");
                Files.write(stored, content);
                return CheckedFile.of(fileName, content, stored);
            } catch (IOException e) {
                throw new UncheckedIOException("checking " + fileName, e);
            } finally {
                if (stored != null) {
                    stored.toFile().delete();
                }
            }
        }
    }

    /** Raw text: a plain-text document under whatever name it was given. */
    public record IncomingText(String partName, String fileName, String text) implements Incoming {

        @Override
        public long size() {
            return text.getBytes(StandardCharsets.UTF_8).length;
        }

        @Override
        public boolean typedByName() {
            return false;
        }

        @Override
        public CheckedFile read() {
            byte[] content = text.getBytes(StandardCharsets.UTF_8);
            DocumentType.TXT.contentProblem(content, null).ifPresent(problem -> {
                throw ApiException.invalid(partName + " " + problem);
            });
            return new CheckedFile(fileName, DocumentType.TXT.mimeType(), sha256(content), content);
        }
    }

    /**
     * A page knowledge-ingest fetches once, when it takes the document up (its type is known then). Stored as its URL
     * under {@link #URL_DOCUMENT}; the same URL added again to a base is the same document, as identical content is.
     */
    public record IncomingUrl(String partName, String fileName, String url) implements Incoming {

        /** @throws ApiException 422 naming the field when the URL is not an http(s) URL */
        public IncomingUrl {
            try {
                OutboundUrl.parse(url);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(partName + " must be an http or https URL");
            }
        }

        @Override
        public long size() {
            return url.getBytes(StandardCharsets.UTF_8).length;
        }

        @Override
        public boolean typedByName() {
            return false;
        }

        @Override
        public CheckedFile read() {
            byte[] content = url.getBytes(StandardCharsets.UTF_8);
            return new CheckedFile(fileName, URL_DOCUMENT, sha256(content), content);
        }
    }

    /** A document's bytes, checked, with their type and digest. */
    public record CheckedFile(String fileName, String mimeType, String sha256, byte[] content) {

        /** @param stored the same bytes on disk, for container formats; null for the others */
        static CheckedFile of(String fileName, byte[] content, Path stored) {
            DocumentType type = DocumentType.byName(fileName).orElseThrow();
            type.contentProblem(content, stored).ifPresent(problem -> {
                throw ApiException.invalid("file " + fileName + " " + problem);
            });
            return new CheckedFile(fileName, type.mimeType(), KnowledgeService.sha256(content), content);
        }
    }

    /** Chunk size and overlap in tokens; null fields take the defaults of the embedding model. */
    public record Chunking(Integer maxTokens, Integer overlapTokens) {
    }

    /** @param provider {@code local} (default) or {@code openai} (an OpenAI-compatible embeddings endpoint) */
    public record Embedding(String provider, String model, Integer dimensions) {
    }

    public record BaseWithDocuments(BaseRow base, List<DocumentRow> documents) {
    }

}
