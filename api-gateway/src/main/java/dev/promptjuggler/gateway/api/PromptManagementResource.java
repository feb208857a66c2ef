package dev.promptjuggler.gateway.api;

import dev.promptjuggler.contracts.prompt.PromptConfig;
import dev.promptjuggler.contracts.prompt.PromptMessage;
import dev.promptjuggler.gateway.persistence.PromptRepository.RevisionRow;
import dev.promptjuggler.gateway.service.PromptService;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

@Path("/manage/v1/prompts")
@Tag(name = "Prompts (management)")
public class PromptManagementResource {

    private final PromptService prompts;
    private final Caller caller;

    public PromptManagementResource(PromptService prompts, Caller caller) {
        this.prompts = prompts;
        this.caller = caller;
    }

    @POST
    @ResponseStatus(201)
    @Operation(summary = "Create a prompt; its slug (pr_…) is derived from the name")
    public Uni<PromptResponse> create(@Valid @NotNull CreatePrompt body) {
        return prompts.create(caller.tenantId(), body.name(), body.draft().toConfig())
                .map(prompt -> new PromptResponse(prompt.id(), prompt.slug(), prompt.name(), prompt.draft()));
    }

    @POST
    @Path("/{slug}/versions")
    @ResponseStatus(201)
    @Operation(summary = "Publish the current draft as the next version")
    public Uni<VersionResponse> publish(@PathParam("slug") String slug, @Valid PublishRequest body) {
        String changeNote = body == null ? null : body.changeNote();
        return prompts.publish(caller.tenantId(), slug, changeNote).map(VersionResponse::of);
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
            @NotEmpty List<@Valid MessageTemplate> messages,
            @Pattern(regexp = "stateless|read_only|read_write|write_only",
                    message = "must be stateless, read_only, read_write or write_only")
            String memory) {

        PromptConfig toConfig() {
            List<PromptMessage> templates = messages.stream()
                    .map(message -> new PromptMessage(message.role(), message.content()))
                    .toList();
            return new PromptConfig(provider, model, modelParams, responseFormat, systemInstruction, templates,
                    List.of(), memory);
        }
    }

    public record MessageTemplate(
            @NotNull @Pattern(regexp = "user|assistant", message = "must be user or assistant") String role,
            @NotNull String content) {
    }

    public record PublishRequest(@Size(max = 2000) String changeNote) {
    }

    public record PromptResponse(UUID id, String slug, String name, PromptConfig draft) {
    }

    public record VersionResponse(UUID revisionId, int version, String changeNote, OffsetDateTime publishedAt) {

        static VersionResponse of(RevisionRow revision) {
            return new VersionResponse(revision.id(), revision.version(), revision.changeNote(),
                    revision.publishedAt());
        }
    }
}
