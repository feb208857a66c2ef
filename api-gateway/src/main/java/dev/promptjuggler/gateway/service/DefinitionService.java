package dev.promptjuggler.gateway.service;

import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.persistence.DefinitionRepository;
import dev.promptjuggler.gateway.persistence.DefinitionRepository.DefinitionRow;
import dev.promptjuggler.gateway.persistence.DefinitionRepository.RevisionRow;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The life cycle shared by prompts and workflows: create with a name (the slug follows from it), save
 * drafts, publish immutable versions, move tags, rename with the old slug kept as an alias, and resolve
 * a version reference (number, tag, {@value #LATEST} or revision id) to a published revision, by the one rule
 * of {@code gateway.resolve_revision}, and archive. Drafts run only as draft runs (a snapshot, see
 * {@link #draftRevision}), never by a version reference. An archived definition resolves no more, and refuses every
 * change (409); it stays readable here, with its versions.
 */
@ApplicationScoped
public class DefinitionService {

    /** The version reference that means "the most recently published". */
    public static final String LATEST = "__latest__";

    private static final Pattern TAG = Pattern.compile("[a-z][a-z0-9_-]{0,62}");

    private final DefinitionRepository definitions;
    private final RevisionReferenceCache references;

    public DefinitionService(DefinitionRepository definitions, RevisionReferenceCache references) {
        this.definitions = definitions;
        this.references = references;
    }

    public Uni<DefinitionRow> create(UUID tenantId, RunKind kind, String name, Object draft) {
        String slug = slug(kind, name);
        UUID id = UUID.randomUUID();
        return definitions.insert(id, tenantId, kind, name, slug, draft)
                .chain(inserted -> {
                    if (!inserted) {
                        throw new ApiException(409, noun(kind) + " slug " + slug + " is already taken; choose another name");
                    }
                    return find(tenantId, kind, slug);
                });
    }

    public Uni<DefinitionRow> find(UUID tenantId, RunKind kind, String slug) {
        return definitions.findBySlug(tenantId, kind, slug)
                .map(found -> found.orElseThrow(() -> ApiException.notFound(noun(kind) + " " + slug + " not found")));
    }

    /** @param archived the archived ones too */
    public Uni<List<DefinitionRow>> list(UUID tenantId, RunKind kind, boolean archived) {
        return definitions.list(tenantId, kind, archived);
    }

    /**
     * Archives the definition: it no longer resolves for new runs or references, and refuses changes. Archiving an
     * archived one changes nothing.
     */
    public Uni<Void> archive(UUID tenantId, RunKind kind, String slug) {
        return find(tenantId, kind, slug).chain(definition -> definitions.archive(definition.id()));
    }

    /** A definition that may still change: 409 once archived. */
    private Uni<DefinitionRow> findChangeable(UUID tenantId, RunKind kind, String slug) {
        return find(tenantId, kind, slug).invoke(definition -> {
            if (definition.archived()) {
                throw archived(definition);
            }
        });
    }

    private static ApiException archived(DefinitionRow definition) {
        return new ApiException(409, noun(definition.kind()) + " " + definition.slug() + " is archived");
    }

    public Uni<List<String>> aliases(DefinitionRow definition) {
        return definitions.aliases(definition.id());
    }

    public Uni<DefinitionRow> saveDraft(UUID tenantId, RunKind kind, String slug, Object draft) {
        return findChangeable(tenantId, kind, slug)
                .call(definition -> definitions.saveDraft(definition.id(), draft))
                .chain(definition -> find(tenantId, kind, definition.slug()));
    }

    public Uni<DefinitionRow> rename(UUID tenantId, RunKind kind, String slug, String newName) {
        String newSlug = slug(kind, newName);
        return findChangeable(tenantId, kind, slug).chain(definition -> definitions
                .rename(tenantId, definition.id(), definition.slug(), newName, newSlug)
                .chain(renamed -> {
                    if (!renamed) {
                        throw new ApiException(409, noun(kind) + " slug " + newSlug + " is already taken");
                    }
                    return find(tenantId, kind, newSlug);
                }));
    }

    /**
     * Publishes the draft as the next version once {@code check} accepted it (a failed Uni refuses it and
     * nothing is published). The draft that was checked is the one published, whatever is saved meanwhile.
     */
    public Uni<RevisionRow> publish(UUID tenantId, RunKind kind, String slug, String changeNote,
            Function<DefinitionRow, Uni<Void>> check) {
        return findChangeable(tenantId, kind, slug)
                .call(definition -> check.apply(definition))
                .chain(definition -> definitions.publishDraft(tenantId, definition.id(), definition.draft(), changeNote)
                        .map(published -> published.orElseThrow(() -> archived(definition))));
    }

    /**
     * The revision a draft run executes: a snapshot of the current draft (version 0, never published), once
     * {@code check} accepted the draft as it would for publishing. 409 when the definition is archived.
     */
    public Uni<ResolvedRevision> draftRevision(UUID tenantId, RunKind kind, String slug,
            Function<DefinitionRow, Uni<Void>> check) {
        return findChangeable(tenantId, kind, slug)
                .call(definition -> check.apply(definition))
                .chain(definition -> definitions.draftSnapshot(tenantId, definition.id(), definition.draft())
                        .map(snapshot -> new ResolvedRevision(definition, snapshot)));
    }

    public Uni<List<RevisionRow>> versions(UUID tenantId, RunKind kind, String slug) {
        return find(tenantId, kind, slug).chain(definition -> definitions.listRevisions(definition.id()));
    }

    /** Points {@code tag} at the published {@code version}. */
    public Uni<RevisionRow> moveTag(UUID tenantId, RunKind kind, String slug, String tag, int version) {
        requireTagName(tag);
        return findChangeable(tenantId, kind, slug).chain(definition -> definitions.findRevision(definition.id(), version)
                .map(found -> found.orElseThrow(() -> ApiException.invalid(
                        "version " + version + " of " + definition.slug() + " is not published")))
                .call(revision -> definitions.moveTag(definition.id(), tag, revision.id()))
                .chain(revision -> definitions.findRevision(definition.id(), version))
                .map(Optional::orElseThrow));
    }

    public Uni<Void> deleteTag(UUID tenantId, RunKind kind, String slug, String tag) {
        return findChangeable(tenantId, kind, slug).chain(definition -> definitions.deleteTag(definition.id(), tag))
                .invoke(deleted -> {
                    if (!deleted) {
                        throw ApiException.notFound("tag " + tag + " not found");
                    }
                })
                .replaceWithVoid();
    }

    /**
     * Resolves a version number, a tag, {@value #LATEST} or a revision id to a published revision. An archived
     * definition is not found, as {@code gateway.resolve_definition} does not find it. Reused while nothing changed
     * ({@link RevisionReferenceCache}).
     */
    public Uni<ResolvedRevision> resolve(UUID tenantId, RunKind kind, String slug, String version) {
        return references.get(tenantId, kind, slug, version, () -> resolveStored(tenantId, kind, slug, version));
    }

    private Uni<ResolvedRevision> resolveStored(UUID tenantId, RunKind kind, String slug, String version) {
        return find(tenantId, kind, slug).invoke(definition -> {
            if (definition.archived()) {
                throw ApiException.notFound(noun(kind) + " " + slug + " not found");
            }
        }).chain(definition -> publishedRevision(definition, version)
                .map(found -> new ResolvedRevision(definition, found.orElseThrow(() -> ApiException
                        .notFound(noun(kind) + " " + slug + " has no published version or tag " + version)))));
    }

    /** The published revision a version number, a tag, {@value #LATEST} or a revision id points at. */
    public Uni<Optional<RevisionRow>> publishedRevision(DefinitionRow definition, String version) {
        return definitions.resolveRevision(definition.id(), version);
    }

    /** A definition named by its id, its slug or a slug it had before a rename, as other definitions refer to it. */
    public Uni<Optional<DefinitionRow>> findReferenced(UUID tenantId, RunKind kind, String idOrSlug) {
        return definitions.findReferenced(tenantId, kind, idOrSlug);
    }

    private static void requireTagName(String tag) {
        if (LATEST.equals(tag) || !TAG.matcher(tag).matches()) {
            throw ApiException.invalid("tag must match [a-z][a-z0-9_-]{0,62} (a version number cannot be a tag)");
        }
    }

    private static String slug(RunKind kind, String name) {
        try {
            return Slugs.of(Slugs.prefix(kind), name);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
    }

    private static String noun(RunKind kind) {
        return kind == RunKind.PROMPT ? "prompt" : "workflow";
    }

    public record ResolvedRevision(DefinitionRow definition, RevisionRow revision) {
    }
}
