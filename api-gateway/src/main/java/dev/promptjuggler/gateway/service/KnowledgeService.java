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
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
        String slug;
        try {
            slug = Slugs.of(Slugs.KNOWLEDGE_BASE, name);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
        Embedding model = resolve(embedding);
        Chunking sizes = resolve(chunking, model);
        var base = new NewBase(UUID.randomUUID(), tenantId, name, slug, sizes.maxTokens(), sizes.overlapTokens(),
                model.provider(), model.model(), model.dimensions());
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

    public Uni<JsonNode> search(UUID tenantId, String slug, SearchRequest request) {
        return find(tenantId, slug).chain(base -> search.search(tenantId, base.id(), request));
    }

    /**
     * Checks every file first (name, size, content); one bad file refuses the whole request and nothing is
     * stored. Then stores them in one transaction and announces the new ones; the caller gets the list once
     * the broker has the announcements.
     */
    public Uni<List<DocumentRow>> upload(UUID tenantId, String slug, List<IncomingFile> files) {
        // Taken while the request's span is current: the checks below leave its thread.
        Context trace = Context.current();
        return find(tenantId, slug).chain(base -> {
            if (files.isEmpty()) {
                throw ApiException.invalid("no files: send multipart parts files[0], files[1], … each with a filename");
            }
            if (files.size() > config.maxFilesPerUpload()) {
                throw ApiException.invalid("too many files: " + files.size() + "; at most "
                        + config.maxFilesPerUpload() + " per upload");
            }
            files.forEach(this::checkNameAndSize);
            return Uni.createFrom().item(() -> readAndCheck(files))
                    // Reading files, opening containers and hashing block: keep them off the event loop.
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                    .chain(checked -> repository.insertDocuments(checked.stream()
                            .map(file -> new NewDocument(UUID.randomUUID(), tenantId, base.id(), file.fileName(),
                                    file.type().mimeType(), file.sha256(), file.content()))
                            .toList()))
                    .chain(stored -> announce(tenantId, stored, trace));
        });
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

    private void checkNameAndSize(IncomingFile file) {
        if (file.fileName() == null || file.fileName().isBlank()) {
            throw ApiException.invalid(file.partName() + " has no file name");
        }
        if (file.fileName().chars().anyMatch(Character::isISOControl)) {
            throw ApiException.invalid(file.partName() + " has a file name with control characters");
        }
        if (DocumentType.byName(file.fileName()).isEmpty()) {
            throw ApiException.invalid("file " + file.fileName() + " has an unsupported type; accepted: "
                    + DocumentType.ACCEPTED);
        }
        if (file.size() == 0) {
            throw ApiException.invalid("file " + file.fileName() + " is empty");
        }
        if (file.size() > config.maxFileBytes()) {
            throw new ApiException(413, "file " + file.fileName() + " is " + file.size() + " bytes; the limit is "
                    + config.maxFileBytes() + " bytes per file");
        }
    }

    private static List<CheckedFile> readAndCheck(List<IncomingFile> files) {
        List<CheckedFile> checked = new ArrayList<>();
        for (IncomingFile file : files) {
            DocumentType type = DocumentType.byName(file.fileName()).orElseThrow();
            byte[] content;
            try {
                content = Files.readAllBytes(file.path());
            } catch (IOException e) {
                throw new UncheckedIOException("reading upload " + file.fileName(), e);
            }
            type.contentProblem(content, file.path()).ifPresent(problem -> {
                throw ApiException.invalid("file " + file.fileName() + " " + problem);
            });
            checked.add(new CheckedFile(file.fileName(), type, sha256(content), content));
        }
        return checked;
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

    /** A file part of an upload request, as the HTTP layer stored it on disk (deleted after the request). */
    public record IncomingFile(String partName, String fileName, Path path, long size) {
    }

    /** Chunk size and overlap in tokens; null fields take the defaults of the embedding model. */
    public record Chunking(Integer maxTokens, Integer overlapTokens) {
    }

    /** @param provider {@code local} (default) or {@code openai} (an OpenAI-compatible embeddings endpoint) */
    public record Embedding(String provider, String model, Integer dimensions) {
    }

    public record BaseWithDocuments(BaseRow base, List<DocumentRow> documents) {
    }

    private record CheckedFile(String fileName, DocumentType type, String sha256, byte[] content) {
    }
}
