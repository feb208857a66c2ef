package dev.promptjuggler.gateway.service;

import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.persistence.RunRepository;
import dev.promptjuggler.gateway.service.StreamTokens.Grant;
import dev.promptjuggler.gateway.service.StreamTokens.Minted;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * Who may read a thread's stream. A token may be minted for a thread no run has used yet (subscribe first, then
 * start the run that names it); a thread of another tenant is unknown to the caller, as everywhere else.
 */
@ApplicationScoped
public class ThreadStreamService {

    private final StreamTokens tokens;
    private final RunRepository runs;

    public ThreadStreamService(StreamTokens tokens, RunRepository runs) {
        this.tokens = tokens;
        this.runs = runs;
    }

    public Uni<Minted> mintToken(UUID tenantId, UUID threadId) {
        return runs.threadOwner(threadId).map(owner -> {
            if (owner.isPresent() && !owner.get().equals(tenantId)) {
                throw ApiException.notFound("thread " + threadId + " not found");
            }
            return tokens.mint(tenantId, threadId);
        });
    }

    /**
     * @param bearer the request's bearer credential
     * @return the grant, when the credential is a valid stream token for this thread of its owner: 401 when it is
     *         no valid stream token (an API key included), 403 when it is one for another thread, or for a thread
     *         that another tenant has taken since the token was minted
     */
    public Uni<Grant> authorize(String bearer, UUID threadId) {
        return Uni.createFrom().item(() -> {
            Grant grant = tokens.verify(bearer).orElseThrow(() -> ApiException.unauthorized(
                    "invalid or expired stream token: mint one with POST /api/v1/threads/" + threadId + "/stream-token"));
            if (!grant.threadId().equals(threadId)) {
                throw new ApiException(403, "this stream token is for another thread");
            }
            return grant;
        }).chain(grant -> runs.threadOwner(threadId).map(owner -> {
            if (owner.isPresent() && !owner.get().equals(grant.tenantId())) {
                throw new ApiException(403, "this stream token is not valid for thread " + threadId);
            }
            return grant;
        }));
    }
}
