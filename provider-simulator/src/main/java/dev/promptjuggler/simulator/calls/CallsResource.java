package dev.promptjuggler.simulator.calls;

import dev.promptjuggler.simulator.shared.CallCounter;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Simulator-only introspection: how many provider calls were answered. Not part of any provider's API.
 *
 * <ul>
 *   <li>{@code GET /__simulator/calls} returns {@code {"total": n, "byModel": {"gpt-4o-mini": n}}}</li>
 *   <li>{@code DELETE /__simulator/calls} resets the counts (204)</li>
 * </ul>
 */
@Path("/__simulator/calls")
public class CallsResource {

    private final CallCounter counter;

    public CallsResource(CallCounter counter) {
        this.counter = counter;
    }

    @GET
    @NonBlocking
    @Produces(MediaType.APPLICATION_JSON)
    public CallCounter.Snapshot calls() {
        return counter.snapshot();
    }

    @DELETE
    @NonBlocking
    public void reset() {
        counter.reset();
    }
}
