package dev.promptjuggler.simulator.failures;

import dev.promptjuggler.simulator.shared.ScriptedFailures;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * Simulator-only failure scripting; not part of any provider's API.
 *
 * <ul>
 *   <li>{@code POST /__simulator/failures} {@code {"contains": "...", "responses": [{"status": 503, "retryAfter":
 *       "1"}, ...]}} adds a rule (204); {@code "cutAfterChunks": n} makes a streamed answer break off after n
 *       chunks (a request without streaming gets the status)</li>
 *   <li>{@code GET /__simulator/failures} returns {@code {"served": n, "pending": m}}</li>
 *   <li>{@code DELETE /__simulator/failures} removes every rule (204)</li>
 * </ul>
 */
@Path("/__simulator/failures")
public class FailuresResource {

    private final ScriptedFailures failures;

    public FailuresResource(ScriptedFailures failures) {
        this.failures = failures;
    }

    /** @param contains a substring of the last user text of the requests to fail */
    public record Script(@NotNull String contains, @NotEmpty List<@Valid Response> responses) {
    }

    /**
     * @param retryAfter     the Retry-After header to send: seconds or an HTTP date
     * @param cutAfterChunks a streamed answer breaks off after this many chunks
     */
    public record Response(@Min(400) @Max(599) int status, String retryAfter, String message,
            @Min(0) Integer cutAfterChunks) {
    }

    @POST
    @NonBlocking
    @Consumes(MediaType.APPLICATION_JSON)
    public void add(@Valid @NotNull Script script) {
        failures.add(script.contains(), script.responses().stream()
                .map(r -> new ScriptedFailures.Failure(r.status(), r.retryAfter(), r.message(), r.cutAfterChunks()))
                .toList());
    }

    @GET
    @NonBlocking
    @Produces(MediaType.APPLICATION_JSON)
    public ScriptedFailures.Status status() {
        return failures.status();
    }

    @DELETE
    @NonBlocking
    public void clear() {
        failures.clear();
    }
}
