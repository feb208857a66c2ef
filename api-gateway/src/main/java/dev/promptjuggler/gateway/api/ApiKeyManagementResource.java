package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.persistence.ApiKeyRepository.StoredKey;
import dev.promptjuggler.gateway.service.ApiKeyScope;
import dev.promptjuggler.gateway.service.ApiKeyService;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

@Path("/manage/v1/api-keys")
@Tag(name = "API keys (management)")
public class ApiKeyManagementResource {

    private final ApiKeyService keys;
    private final Caller caller;

    public ApiKeyManagementResource(ApiKeyService keys, Caller caller) {
        this.keys = keys;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    @APIResponse(responseCode = "201", description = "The key; its secret is shown only here", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CreatedKeyResponse.class)))
    @Operation(summary = "Create a key; the secret is in this response only and is stored hashed."
            + " scope: admin (everything) or api (the public API only)")
    public Uni<CreatedKeyResponse> create(@Valid @NotNull CreateKey body) {
        ApiKeyScope scope = body.scope() == null ? ApiKeyScope.API : body.scope();
        return keys.create(caller.tenantId(), body.name(), scope)
                .map(created -> new CreatedKeyResponse(KeyResponse.of(created.stored()), created.key()));
    }

    @GET
    @Operation(summary = "List keys (never their secrets), revoked ones included")
    public Uni<List<KeyResponse>> list() {
        return keys.list(caller.tenantId()).map(stored -> stored.stream().map(KeyResponse::of).toList());
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke a key; it stops working at once")
    public Uni<Void> revoke(@PathParam("id") String id) {
        return keys.revoke(caller.tenantId(), PathParams.uuid(id, "id", "API key"));
    }

    /** @param scope admin or api; api when absent */
    public record CreateKey(@NotBlank @Size(max = 200) String name, ApiKeyScope scope) {
    }

    public record KeyResponse(UUID id, String name, ApiKeyScope scope, String prefix, OffsetDateTime createdAt,
            OffsetDateTime revokedAt) {

        static KeyResponse of(StoredKey key) {
            return new KeyResponse(key.id(), key.name(), key.scope(), key.prefix(), key.createdAt(), key.revokedAt());
        }
    }

    /** @param secret the key itself: shown here once and never again */
    public record CreatedKeyResponse(KeyResponse key, String secret) {
    }
}
