package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.persistence.KnowledgeRepository.BaseRow;
import dev.promptjuggler.gateway.persistence.KnowledgeRepository.DocumentRow;
import dev.promptjuggler.gateway.service.KnowledgeService;
import dev.promptjuggler.gateway.service.KnowledgeService.BaseWithDocuments;
import dev.promptjuggler.gateway.service.KnowledgeService.IncomingFile;
import dev.promptjuggler.gateway.service.KnowledgeService.IncomingText;
import dev.promptjuggler.gateway.service.KnowledgeService.IncomingUrl;
import dev.promptjuggler.gateway.service.DocumentMetadata;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonObject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import dev.promptjuggler.contracts.knowledge.KnowledgeBaseStatus;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.server.multipart.FormValue;
import org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput;

/** The public knowledge endpoints of the PromptJuggler API, in the SDK's shapes. */
@Path("/api/v1")
@Tag(name = "Knowledge bases")
public class KnowledgeResource {

    // The SDK names parts files[0], files[1], …; its generated lower-level client repeats "files".
    private static final Pattern FILE_PART = Pattern.compile("files(?:\\[(\\d{1,4})])?");

    private final KnowledgeService knowledge;
    private final Caller caller;
    private final ObjectMapper json;

    public KnowledgeResource(KnowledgeService knowledge, Caller caller, ObjectMapper json) {
        this.knowledge = knowledge;
        this.caller = caller;
        this.json = json;
    }

    @GET
    @Path("/knowledge-bases/{slug}")
    @Operation(summary = "A knowledge base with its status, counts and every document")
    public Uni<KnowledgeBaseResponse> get(@PathParam("slug") String slug) {
        return knowledge.findWithDocuments(caller.tenantId(), slug).map(KnowledgeBaseResponse::of);
    }

    @POST
    @Path("/knowledge-bases/{slug}/documents")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Upload documents (multipart parts files[0], files[1], …); they are processed asynchronously")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.MULTIPART_FORM_DATA,
            schema = @Schema(ref = "UploadDocuments")))
    public Uni<List<DocumentResponse>> upload(@PathParam("slug") String slug, MultipartFormDataInput form) {
        return knowledge.upload(caller.tenantId(), slug, files(form), metadata(form))
                .map(documents -> documents.stream().map(DocumentResponse::of).toList());
    }

    @POST
    @Path("/knowledge-bases/{slug}/documents")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a document from raw text or from a URL (fetched once by knowledge-ingest); processed "
            + "asynchronously")
    public Uni<List<DocumentResponse>> add(@PathParam("slug") String slug, @Valid @NotNull NewDocument body) {
        return knowledge.upload(caller.tenantId(), slug, List.of(body.incoming()),
                        DocumentMetadata.of(body.metadata(), "metadata"))
                .map(documents -> documents.stream().map(DocumentResponse::of).toList());
    }

    @GET
    @Path("/knowledge-documents/{id}")
    @Operation(summary = "A knowledge document with its status and chunk count")
    public Uni<DocumentResponse> getDocument(@PathParam("id") String id) {
        return knowledge.findDocument(caller.tenantId(), PathParams.uuid(id, "id", "knowledge document")).map(DocumentResponse::of);
    }

    @DELETE
    @Path("/knowledge-documents/{id}")
    @ResponseStatus(204)
    @Operation(summary = "Delete a document and all its chunks")
    public Uni<Void> deleteDocument(@PathParam("id") String id) {
        return knowledge.deleteDocument(caller.tenantId(), PathParams.uuid(id, "id", "knowledge document"));
    }

    /** The part {@code metadata}: a JSON object every file of the request gets; none = an empty map. */
    private JsonObject metadata(MultipartFormDataInput form) {
        java.util.Collection<FormValue> parts = form.getValues().get("metadata");
        if (parts == null || parts.isEmpty()) {
            return new JsonObject();
        }
        if (parts.size() > 1 || parts.iterator().next().isFileItem()) {
            throw ApiException.invalid("metadata must be one form field holding a JSON object");
        }
        JsonNode given;
        try {
            given = json.readTree(parts.iterator().next().getValue());
        } catch (JsonProcessingException e) {
            throw ApiException.invalid("metadata must be a JSON object");
        }
        return DocumentMetadata.of(given, "metadata");
    }

    private static List<IncomingFile> files(MultipartFormDataInput form) {
        record Part(int order, IncomingFile file) {
        }
        List<Part> parts = new ArrayList<>();
        for (Map.Entry<String, java.util.Collection<FormValue>> entry : form.getValues().entrySet()) {
            Matcher name = FILE_PART.matcher(entry.getKey());
            if (!name.matches()) {
                continue;
            }
            int order = name.group(1) == null ? Integer.MAX_VALUE : Integer.parseInt(name.group(1));
            for (FormValue value : entry.getValue()) {
                if (!value.isFileItem()) {
                    throw ApiException.invalid(entry.getKey() + " is not a file part");
                }
                try {
                    parts.add(new Part(order, new IncomingFile(entry.getKey(), value.getFileName(),
                            value.getFileItem().getFile(), value.getFileItem().getFileSize())));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        return parts.stream().sorted(Comparator.comparingInt(Part::order)).map(Part::file).toList();
    }

    /**
     * A document given in JSON: exactly one of {@code text} and {@code url}.
     *
     * @param name     its file name (default {@code text.txt} for text, the URL for a URL)
     * @param metadata see {@link DocumentMetadata}
     */
    public record NewDocument(@Size(max = 255) String name, String text, @Size(max = 2000) String url,
            @Schema(ref = "DocumentMetadata") JsonNode metadata) {

        KnowledgeService.Incoming incoming() {
            if ((text == null) == (url == null)) {
                throw ApiException.invalid("give exactly one of text and url");
            }
            if (text != null) {
                return new IncomingText("text", name == null ? "text.txt" : name, text);
            }
            return new IncomingUrl("url", name == null ? url : name, url);
        }
    }

    /** The SDK's {@code KnowledgeDocumentResponse}, exactly. */
    public record DocumentResponse(UUID id, String status, String fileName, long bytes, int chunkCount) {

        static DocumentResponse of(DocumentRow row) {
            return new DocumentResponse(row.id(), row.status(), row.fileName(), row.bytes(), row.chunkCount());
        }
    }

    /** The SDK's {@code KnowledgeDocumentSummary}. */
    public record DocumentSummary(UUID id, String status, String fileName, long bytes, String mimeType) {

        static DocumentSummary of(DocumentRow row) {
            return new DocumentSummary(row.id(), row.status(), row.fileName(), row.bytes(), row.mimeType());
        }
    }

    /** The SDK's {@code KnowledgeBaseResponse}, exactly. */
    public record KnowledgeBaseResponse(UUID id, String status, long documentCount, long chunkCount,
            List<DocumentSummary> documents) {

        static KnowledgeBaseResponse of(BaseWithDocuments found) {
            BaseRow base = found.base();
            return new KnowledgeBaseResponse(base.id(), KnowledgeResource.status(base),
                    base.documentCount(),
                    base.chunkCount(), found.documents().stream().map(DocumentSummary::of).toList());
        }
    }

    static String status(BaseRow base) {
        return KnowledgeBaseStatus.of(base.inProgress(), base.failed(), base.documentCount()).wireName();
    }
}
