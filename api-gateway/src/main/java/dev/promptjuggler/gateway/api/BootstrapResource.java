package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.config.GatewayConfig;
import dev.promptjuggler.gateway.service.TenantService;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

/**
 * The operator's way in: creates a tenant and its first API key. Guarded by the bootstrap token from
 * configuration rather than by an API key, since none exists yet.
 */
@Path(BootstrapResource.PATH)
@Tag(name = "Bootstrap")
public class BootstrapResource {

    static final String PATH = "/manage/v1/bootstrap";

    private final TenantService tenants;
    private final GatewayConfig config;

    public BootstrapResource(TenantService tenants, GatewayConfig config) {
        this.tenants = tenants;
        this.config = config;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    @APIResponse(responseCode = "201", description = "The tenant and its first key (shown once)", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BootstrapResponse.class)))
    @Operation(summary = "Create a tenant and its first API key (operator only; header X-Bootstrap-Token)")
    public Uni<BootstrapResponse> bootstrap(@HeaderParam("X-Bootstrap-Token") String token,
            @Valid @NotNull BootstrapRequest body) {
        String expected = config.bootstrapToken()
                .orElseThrow(() -> new ApiException(403, "bootstrap is disabled: set gateway.bootstrap-token"));
        if (token == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8))) {
            throw ApiException.unauthorized("missing or wrong X-Bootstrap-Token");
        }
        return tenants.bootstrap(body.tenantName(), config.defaultEnvironment())
                .map(created -> new BootstrapResponse(created.tenantId(),
                        new ApiKeyResponse(created.key().id(), created.key().key(), created.key().prefix())));
    }

    public record BootstrapRequest(@NotBlank @Size(max = 200) String tenantName) {
    }

    /** @param key the secret; shown here once and never again */
    public record ApiKeyResponse(UUID id, String key, String prefix) {
    }

    public record BootstrapResponse(UUID tenantId, ApiKeyResponse apiKey) {
    }
}
