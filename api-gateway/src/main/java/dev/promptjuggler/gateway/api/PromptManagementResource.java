package dev.promptjuggler.gateway.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.contracts.prompt.ModelCatalogue;
import dev.promptjuggler.contracts.prompt.PromptConfig;
import dev.promptjuggler.contracts.prompt.PromptMessage;
import dev.promptjuggler.contracts.prompt.ToolRules;
import dev.promptjuggler.gateway.persistence.DefinitionRepository.DefinitionRow;
import dev.promptjuggler.gateway.persistence.DefinitionSettingsRepository;
import dev.promptjuggler.gateway.service.DefinitionService;
import dev.promptjuggler.gateway.service.RunService;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

@Path("/manage/v1/prompts")
@Tag(name = "Prompts (management)")
public class PromptManagementResource extends DefinitionManagementResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    public PromptManagementResource(DefinitionService definitions, RunService runs,
            DefinitionSettingsRepository settings, Caller caller) {
        super(definitions, runs, settings, caller, RunKind.PROMPT);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    @APIResponse(responseCode = "201", description = "The prompt with its draft", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DefinitionResponse.class)))
    @APIResponse(responseCode = "409", description = "prompt slug pr_greeter is already taken; choose another name")
    @Operation(summary = "Create a prompt with its first draft; its slug (pr_…) is derived from the name")
    public Uni<DefinitionResponse> create(@Valid @NotNull CreatePrompt body) {
        return definitions.create(caller.tenantId(), kind, body.name(), body.draft().toConfig()).chain(this::response);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{slug}/draft")
    @Operation(summary = "Save the draft (runs only as a draft run until published)")
    public Uni<DefinitionResponse> saveDraft(@PathParam("slug") String slug, @Valid @NotNull Draft body) {
        return definitions.saveDraft(caller.tenantId(), kind, slug, body.toConfig()).chain(this::response);
    }

    /**
     * A prompt is published only with a model the catalogue prices ({@link ModelCatalogue}) and tools the SDKs can
     * decode ({@link ToolRules#sdkSchemaProblem}): each a 422 naming the field, and nothing is published.
     */
    @Override
    protected Uni<Void> checkBeforePublishing(DefinitionRow definition) {
        JsonNode draft = definition.draft();
        String provider = draft.path("provider").asText();
        String model = draft.path("model").asText();
        if (!ModelCatalogue.providers().contains(provider)) {
            throw ApiException.invalid("provider must be one of " + ModelCatalogue.providers() + ", not " + provider);
        }
        if (!ModelCatalogue.contains(provider, model)) {
            throw ApiException.invalid("model " + model + " is not in the model catalogue for " + provider
                    + " (one of " + String.join(", ", ModelCatalogue.models(provider)) + ")");
        }
        List<Map<String, Object>> tools = draft.path("tools").isArray()
                ? JSON.convertValue(draft.get("tools"), new TypeReference<List<Map<String, Object>>>() { })
                : List.of();
        ToolRules.sdkSchemaProblem(tools).ifPresent(problem -> {
            throw ApiException.invalid(problem);
        });
        return Uni.createFrom().voidItem();
    }

    public record CreatePrompt(@NotBlank @Size(max = 200) String name, @Valid @NotNull Draft draft) {
    }

    /** A draft as the editor saves it; field names follow the SDK's {@code PromptRevision}. */
    public record Draft(
            @NotNull @Pattern(regexp = "openai|anthropic|gemini", message = "must be openai, anthropic or gemini")
            String provider,
            @NotBlank String model,
            Map<String, Object> modelParams,
            Map<String, Object> responseFormat,
            String systemInstruction,
            @NotEmpty List<@Valid @NotNull MessageTemplate> messages,
            List<Map<String, Object>> tools,
            @Pattern(regexp = "stateless|read_only|read_write|write_only",
                    message = "must be stateless, read_only, read_write or write_only")
            String memory) {

        /** @throws ApiException 422 naming the tool or field that is not well-formed */
        PromptConfig toConfig() {
            ToolRules.problem(tools == null ? List.of() : tools).ifPresent(problem -> {
                throw ApiException.invalid(problem);
            });
            if (responseFormat != null) {
                Object type = responseFormat.get("type");
                if (!List.of("text", "json_object", "json_schema").contains(type)) {
                    throw ApiException.invalid("responseFormat.type must be text, json_object or json_schema, not " + type);
                }
                if ("json_schema".equals(type) && ToolRules.jsonObject(responseFormat.get("schema")) == null) {
                    throw ApiException.invalid("responseFormat.schema (a JSON Schema object, as JSON text) is required"
                            + " for json_schema");
                }
            }
            List<PromptMessage> templates = messages.stream()
                    .map(message -> new PromptMessage(message.role(), message.content()))
                    .toList();
            return new PromptConfig(provider, model, modelParams, responseFormat, systemInstruction, templates,
                    tools, memory);
        }
    }

    public record MessageTemplate(
            @NotNull @Pattern(regexp = "user|assistant", message = "must be user or assistant") String role,
            @NotNull String content) {
    }
}
