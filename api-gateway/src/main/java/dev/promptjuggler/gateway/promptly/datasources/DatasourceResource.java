package dev.promptjuggler.gateway.promptly.datasources;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.api.Caller;
import dev.promptjuggler.gateway.api.PathParams;
import dev.promptjuggler.gateway.persistence.KnowledgeRepository.BaseRow;
import dev.promptjuggler.gateway.persistence.KnowledgeRepository.DocumentRow;
import dev.promptjuggler.gateway.service.DocumentMetadata;
import dev.promptjuggler.gateway.service.KnowledgeService;
import dev.promptjuggler.gateway.service.KnowledgeService.Incoming;
import dev.promptjuggler.gateway.service.KnowledgeService.IncomingBytes;
import dev.promptjuggler.gateway.service.KnowledgeService.IncomingText;
import dev.promptjuggler.gateway.service.KnowledgeService.IncomingUrl;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

/**
 * Promptly's datasources and entries over the knowledge bases and their documents (docs/promptly.md, "Datasources
 * and entries"): a datasource is a knowledge base, its uuid the base's id; an entry is a document. Everything goes
 * through {@link KnowledgeService}, as the platform's own endpoints do: the same checks, storage, processing and
 * tenant scoping.
 */
@Path("/api/datasources")
@Tag(name = "Promptly")
public class DatasourceResource {

    /** LLMStack's file entries are data URLs ({@code data:<type>;name=<file name>;base64,<content>}). */
    private static final java.util.regex.Pattern DATA_URL =
            java.util.regex.Pattern.compile("data:[^;,]*((?:;[^;,]*)*);base64,(.*)", java.util.regex.Pattern.DOTALL);
    private static final java.util.regex.Pattern DATA_URL_NAME = java.util.regex.Pattern.compile(";name=([^;]+)");

    private final KnowledgeService knowledge;
    private final Caller caller;

    public DatasourceResource(KnowledgeService knowledge, Caller caller) {
        this.knowledge = knowledge;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "Every datasource (knowledge base) of the tenant")
    public Uni<List<Datasource>> list() {
        return knowledge.list(caller.tenantId()).map(bases -> bases.stream().map(Datasource::of).toList());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    @Operation(summary = "Create a datasource: a knowledge base with the local embedding model")
    public Uni<Datasource> create(@Valid @NotNull NewDatasource body) {
        return knowledge.create(caller.tenantId(), body.name(), null, null, body.type() == null ? "text" : body.type())
                .map(Datasource::of);
    }

    @GET
    @Path("/{uuid}")
    @Operation(summary = "One datasource")
    public Uni<Datasource> get(@PathParam("uuid") String uuid) {
        return knowledge.find(caller.tenantId(), datasource(uuid)).map(Datasource::of);
    }

    @DELETE
    @Path("/{uuid}")
    @ResponseStatus(204)
    @Operation(summary = "Delete a datasource with its entries and their chunks")
    public Uni<Void> delete(@PathParam("uuid") String uuid) {
        return knowledge.delete(caller.tenantId(), datasource(uuid));
    }

    @GET
    @Path("/{uuid}/entries")
    @Operation(summary = "The datasource's entries (documents), oldest first")
    public Uni<List<Entry>> entries(@PathParam("uuid") String uuid) {
        UUID id = datasource(uuid);
        return knowledge.documents(caller.tenantId(), id)
                .map(documents -> documents.stream().map(document -> Entry.of(id, document)).toList());
    }

    @POST
    @Path("/{uuid}/entries")
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    @Operation(summary = "Add an entry: text (content), a page (url, fetched once) or a file (base64); processed "
            + "asynchronously. The same content (or URL) added again is the existing entry")
    public Uni<Entry> addEntry(@PathParam("uuid") String uuid, @Valid @NotNull NewEntry body) {
        UUID id = datasource(uuid);
        if (body.entryData() == null) {
            throw ApiException.invalid("entry_data is required");
        }
        Incoming document = incoming(body.entryData());
        JsonObject metadata = DocumentMetadata.of(body.entryMetadata(), "entry_metadata");
        return knowledge.upload(caller.tenantId(), id, List.of(document), metadata)
                .map(documents -> Entry.of(id, documents.get(0)));
    }

    @DELETE
    @Path("/{uuid}/entries/{entryUuid}")
    @ResponseStatus(204)
    @Operation(summary = "Delete an entry: the document and its chunks (out of search at once)")
    public Uni<Void> deleteEntry(@PathParam("uuid") String uuid, @PathParam("entryUuid") String entryUuid) {
        return knowledge.deleteDocument(caller.tenantId(), datasource(uuid),
                PathParams.uuid(entryUuid, "entry_uuid", "entry"));
    }

    private static UUID datasource(String uuid) {
        return PathParams.uuid(uuid, "uuid", "datasource");
    }

    private static Incoming incoming(EntryData data) {
        int given = (data.content() == null ? 0 : 1) + (data.url() == null ? 0 : 1) + (data.file() == null ? 0 : 1);
        if (given != 1) {
            throw ApiException.invalid("entry_data must have exactly one of content, url and file");
        }
        if (data.content() != null) {
            return new IncomingText("entry_data.content", data.name() == null ? "text.txt" : data.name(),
                    data.content());
        }
        if (data.url() != null) {
            return new IncomingUrl("entry_data.url", data.name() == null ? data.url() : data.name(), data.url());
        }
        String encoded = data.file();
        String name = data.name();
        Matcher dataUrl = DATA_URL.matcher(encoded);
        if (dataUrl.matches()) {
            Matcher named = DATA_URL_NAME.matcher(dataUrl.group(1));
            if (name == null && named.find()) {
                name = named.group(1);
            }
            encoded = dataUrl.group(2);
        }
        if (name == null) {
            throw ApiException.invalid("entry_data.name is required for a file (its extension gives the type)");
        }
        byte[] content;
        try {
            content = Base64.getMimeDecoder().decode(encoded.strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("entry_data.file is not valid base64: " + e.getMessage());
        }
        return new IncomingBytes("entry_data.file", name, content);
    }

    /** @param type Promptly's datasource type, kept and shown back (default {@code text}); every type takes every entry */
    public record NewDatasource(@NotBlank @Size(max = 200) String name,
            @Pattern(regexp = "[a-z][a-z0-9_]{0,49}", message = "must be a lower-case word such as text, url, pdf or file")
            String type) {
    }

    public record Datasource(UUID uuid, String name, String type,
            @JsonProperty("created_at") OffsetDateTime createdAt,
            @JsonProperty("updated_at") OffsetDateTime updatedAt) {

        static Datasource of(BaseRow base) {
            return new Datasource(base.id(), base.name(), base.datasourceType() == null ? "file" : base.datasourceType(),
                    base.createdAt(), base.updatedAt());
        }
    }

    /**
     * @param entryData     the entry: its name and exactly one of content, url and file
     * @param entryMetadata metadata keys and values, stored with the document and its chunks
     */
    public record NewEntry(@JsonProperty("entry_data") @Valid EntryData entryData,
            @JsonProperty("entry_metadata") @Schema(ref = "DocumentMetadata") JsonNode entryMetadata) {
    }

    /**
     * @param name    the entry's name; a file's gives its type by extension (.txt .csv .tsv .md .html .pdf .docx)
     * @param content raw text
     * @param url     an http(s) page, fetched once by knowledge-ingest
     * @param file    the file's bytes in base64, or a data URL ({@code data:<type>;name=<name>;base64,…})
     */
    public record EntryData(@Size(max = 255) String name, String content, @Size(max = 2000) String url, String file) {
    }

    /**
     * @param status   {@code processing}, {@code ready} (searchable) or {@code failed}
     * @param metadata the entry's metadata as Promptly shows it: each key as {@code md_<key>}, and {@code source}
     *                 (the entry's name, a URL entry's URL)
     */
    public record Entry(UUID uuid, String name, @JsonProperty("datasource_uuid") UUID datasourceUuid, String status,
            long size, Map<String, Object> metadata, String error,
            @JsonProperty("created_at") OffsetDateTime createdAt,
            @JsonProperty("updated_at") OffsetDateTime updatedAt) {

        static Entry of(UUID datasource, DocumentRow document) {
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("source", document.fileName());
            if (document.metadata() != null) {
                document.metadata().forEach(field -> metadata.put("md_" + field.getKey(), field.getValue()));
            }
            String status = switch (document.status()) {
                case "ready" -> "ready";
                case "failed" -> "failed";
                default -> "processing";
            };
            return new Entry(document.id(), document.fileName(), datasource, status, document.bytes(), metadata,
                    document.error(), document.createdAt(), document.createdAt());
        }
    }
}
