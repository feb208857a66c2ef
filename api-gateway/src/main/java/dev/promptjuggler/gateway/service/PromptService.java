package dev.promptjuggler.gateway.service;

import dev.promptjuggler.contracts.prompt.PromptConfig;
import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.persistence.PromptRepository;
import dev.promptjuggler.gateway.persistence.PromptRepository.PromptRow;
import dev.promptjuggler.gateway.persistence.PromptRepository.RevisionRow;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

@ApplicationScoped
public class PromptService {

    /** The version reference that means "the most recently published". */
    public static final String LATEST = "__latest__";

    private final PromptRepository prompts;

    public PromptService(PromptRepository prompts) {
        this.prompts = prompts;
    }

    public Uni<PromptRow> create(UUID tenantId, String name, PromptConfig draft) {
        String slug;
        try {
            slug = Slugs.of(Slugs.PROMPT, name);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
        UUID id = UUID.randomUUID();
        return prompts.insert(id, tenantId, name, slug, draft).map(inserted -> {
            if (!inserted) {
                throw new ApiException(409, "a prompt with slug " + slug + " already exists");
            }
            return new PromptRow(id, name, slug, draft);
        });
    }

    public Uni<RevisionRow> publish(UUID tenantId, String slug, String changeNote) {
        return find(tenantId, slug).chain(prompt -> prompts.publishDraft(tenantId, prompt.id(), changeNote));
    }

    public Uni<PromptRow> find(UUID tenantId, String slug) {
        return prompts.findBySlug(tenantId, slug)
                .map(found -> found.orElseThrow(() -> ApiException.notFound("prompt " + slug + " not found")));
    }

    /**
     * Resolves a version reference to a published revision: a version number or {@value #LATEST}. Drafts
     * are never returned.
     */
    public Uni<RevisionRow> resolve(UUID tenantId, String slug, String version) {
        return find(tenantId, slug).chain(prompt -> {
            if (LATEST.equals(version)) {
                return prompts.findLatestRevision(prompt.id());
            }
            if (!version.matches("[1-9][0-9]{0,8}")) {
                return Uni.createFrom().failure(ApiException.notFound("prompt " + slug + " has no version " + version));
            }
            return prompts.findRevision(prompt.id(), Integer.parseInt(version));
        }).map(found -> found.orElseThrow(
                () -> ApiException.notFound("prompt " + slug + " has no published version " + version)));
    }
}
