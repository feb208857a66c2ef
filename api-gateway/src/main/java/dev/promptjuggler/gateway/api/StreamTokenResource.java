package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.service.ThreadStreamService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Stream tokens: what a backend hands its browser so that it can follow one thread (see {@link ThreadStreamRoute}). */
@Path("/api/v1")
@Tag(name = "Streaming")
public class StreamTokenResource {

    private final ThreadStreamService streams;
    private final Caller caller;

    public StreamTokenResource(ThreadStreamService streams, Caller caller) {
        this.streams = streams;
        this.caller = caller;
    }

    @POST
    @Path("/threads/{thread}/stream-token")
    @Operation(summary = "Mint a short-lived, read-only credential for one thread's live stream; the thread need not"
            + " exist yet")
    public Uni<StreamTokenResponse> create(@PathParam("thread") String thread, @Context UriInfo uri) {
        var threadId = PathParams.uuid(thread, "thread", "thread");
        return streams.mintToken(caller.tenantId(), threadId).map(minted -> new StreamTokenResponse(minted.token(),
                minted.expiresAt(), uri.getBaseUriBuilder().path(ThreadStreamRoute.path(threadId)).build().toString()));
    }

    /** The SDK's {@code StreamTokenResponse}. */
    public record StreamTokenResponse(String token, Instant expiresAt, String url) {
    }
}
