package dev.promptjuggler.gateway.promptly.apps;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The answer of a run, in Promptly's shape; streamed, its parts (docs/promptly.md, "Runs").
 *
 * @param id      the run's id (read it with {@code GET /api/v1/promptruns/{id}} or {@code /workflowruns/{id}})
 * @param output  {@code {"output": <the rendered output template>}}; absent when the run failed
 * @param errors  why the run failed, or did not finish in time (streaming)
 */
@Schema(name = "PromptlyRunAnswer")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunAnswer(UUID id, Session session, Map<String, String> output, List<RunError> errors) {

    static RunAnswer head(UUID id, UUID session) {
        return new RunAnswer(id, new Session(session), null, null);
    }

    static RunAnswer failed(String code, String message) {
        return new RunAnswer(null, null, null, List.of(new RunError(code, message)));
    }

    @Schema(name = "PromptlySession")
    public record Session(UUID id) {
    }

    /** @param code {@code run_failed}, {@code timeout} or {@code internal} */
    @Schema(name = "PromptlyRunError")
    public record RunError(String code, String message) {
    }
}
