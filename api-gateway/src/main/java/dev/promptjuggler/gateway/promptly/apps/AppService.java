package dev.promptjuggler.gateway.promptly.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.persistence.DefinitionRepository.DefinitionRow;
import dev.promptjuggler.gateway.persistence.DefinitionRepository.RevisionRow;
import dev.promptjuggler.gateway.promptly.apps.AppPlan.PublishedStep;
import dev.promptjuggler.gateway.promptly.apps.AppRepository.AppRow;
import dev.promptjuggler.gateway.service.DefinitionService;
import dev.promptjuggler.gateway.service.Slugs;
import dev.promptjuggler.gateway.service.WorkflowValidator;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Apps made from Promptly app definitions, on the platform's own prompts and workflows (docs/promptly.md, "Apps"):
 * {@link DefinitionService} creates, saves and publishes them, with the checks the management API applies; this keeps
 * which definitions are apps. Every 422 of a definition comes from {@link AppMapping} before anything is written.
 */
@ApplicationScoped
public class AppService {

    private final DefinitionService definitions;
    private final WorkflowValidator workflows;
    private final AppRepository apps;

    public AppService(DefinitionService definitions, WorkflowValidator workflows, AppRepository apps) {
        this.definitions = definitions;
        this.workflows = workflows;
        this.apps = apps;
    }

    /** Creates the app and publishes its first version; a name another prompt or workflow has is a 409. */
    public Uni<SavedApp> create(UUID tenantId, JsonNode definition) {
        AppPlan plan = AppMapping.plan(definition);
        JsonNode app = AppMapping.app(definition);
        return switch (plan.kind()) {
            case PROMPT -> definitions.create(tenantId, RunKind.PROMPT, plan.name(), plan.steps().get(0).prompt())
                    .chain(prompt -> publishPrompt(tenantId, prompt.slug(), plan.changeNote())
                            .chain(revision -> apps.save(tenantId, prompt.id(), RunKind.PROMPT, app, Map.of())
                                    .map(row -> new SavedApp(row, prompt, revision))));
            case WORKFLOW -> stepNamesFree(tenantId, plan)
                    .chain(() -> definitions.create(tenantId, RunKind.WORKFLOW, plan.name(), emptyGraph()))
                    .chain(workflow -> publishWorkflow(tenantId, workflow, plan, Map.of(), app));
        };
    }

    /**
     * Saves and publishes a new version: the top-level keys the patch names replace the saved definition's, the
     * others stay. An app stays what it was made as: a single-step app cannot become a chain, nor the reverse.
     */
    public Uni<SavedApp> update(UUID tenantId, UUID appId, JsonNode patch) {
        JsonNode changes = AppMapping.app(patch);
        if (changes == null || !changes.isObject()) {
            throw ApiException.invalid("the app definition must be a mapping (name, input_fields, processors, …)");
        }
        return find(tenantId, appId).chain(found -> {
            ObjectNode merged = found.row().app().deepCopy();
            changes.fields().forEachRemaining(field -> merged.set(field.getKey(), field.getValue()));
            AppPlan plan = AppMapping.plan(merged);
            if (plan.kind() != found.row().kind()) {
                throw ApiException.invalid("processors: app " + appId + " was made as "
                        + (found.row().kind() == RunKind.PROMPT
                                ? "one processor whose answer is the output; it cannot become a chain or add an"
                                        + " output template around the answer"
                                : "a chain (or with an output template around the answer); it cannot become a"
                                        + " single processor whose answer is the output")
                        + ": create another app");
            }
            return renamed(tenantId, found.definition(), plan.name()).chain(definition -> switch (plan.kind()) {
                case PROMPT -> definitions.saveDraft(tenantId, RunKind.PROMPT, definition.slug(),
                                plan.steps().get(0).prompt())
                        .chain(prompt -> publishPrompt(tenantId, prompt.slug(), plan.changeNote())
                                .chain(revision -> apps.save(tenantId, prompt.id(), RunKind.PROMPT, merged, Map.of())
                                        .map(row -> new SavedApp(row, prompt, revision))));
                case WORKFLOW -> publishWorkflow(tenantId, definition, plan, found.row().steps(), merged);
            });
        });
    }

    private Uni<Found> find(UUID tenantId, UUID appId) {
        return apps.find(tenantId, appId)
                .map(found -> found.orElseThrow(() -> ApiException.notFound("app " + appId + " not found")))
                .chain(row -> definitions.findReferenced(tenantId, row.kind(), row.id().toString())
                        .map(definition -> new Found(row, definition.orElseThrow(
                                () -> ApiException.notFound("app " + appId + " not found")))));
    }

    private Uni<DefinitionRow> renamed(UUID tenantId, DefinitionRow definition, String name) {
        return name.equals(definition.name()) ? Uni.createFrom().item(definition)
                : definitions.rename(tenantId, definition.kind(), definition.slug(), name);
    }

    /**
     * Publishes each step's prompt (made now, or the one made for that processor before), then the workflow that
     * runs them at exactly those versions.
     */
    private Uni<SavedApp> publishWorkflow(UUID tenantId, DefinitionRow workflow, AppPlan plan,
            Map<String, UUID> knownSteps, JsonNode app) {
        Map<String, PublishedStep> published = new LinkedHashMap<>();
        Map<String, UUID> steps = new LinkedHashMap<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (AppPlan.Step step : plan.steps()) {
            chain = chain.chain(() -> stepPrompt(tenantId, plan.name(), step, knownSteps.get(step.id()))
                    .chain(prompt -> publishPrompt(tenantId, prompt.slug(), plan.changeNote())
                            .invoke(revision -> {
                                published.put(step.id(), new PublishedStep(prompt.id(), revision.version()));
                                steps.put(step.id(), prompt.id());
                            }))
                    .replaceWithVoid());
        }
        return chain
                .chain(() -> definitions.saveDraft(tenantId, RunKind.WORKFLOW, workflow.slug(), plan.workflow(published)))
                .chain(saved -> definitions.publish(tenantId, RunKind.WORKFLOW, saved.slug(), plan.changeNote(),
                                draft -> workflows.check(tenantId, draft))
                        .chain(revision -> apps.save(tenantId, saved.id(), RunKind.WORKFLOW, app, steps)
                                .map(row -> new SavedApp(row, saved, revision))));
    }

    /** The step's prompt with the step's draft saved: the one made for it before, else a new one. */
    private Uni<DefinitionRow> stepPrompt(UUID tenantId, String appName, AppPlan.Step step, UUID known) {
        Uni<Optional<DefinitionRow>> existing = known == null ? Uni.createFrom().item(Optional.empty())
                : definitions.findReferenced(tenantId, RunKind.PROMPT, known.toString());
        return existing.chain(found -> found.isPresent()
                ? definitions.saveDraft(tenantId, RunKind.PROMPT, found.get().slug(), step.prompt())
                : definitions.create(tenantId, RunKind.PROMPT, AppPlan.stepName(appName, step.id()), step.prompt()));
    }

    private Uni<RevisionRow> publishPrompt(UUID tenantId, String slug, String changeNote) {
        // The mapping admitted only catalogued OpenAI models and no tools: what publishing a prompt checks.
        return definitions.publish(tenantId, RunKind.PROMPT, slug, changeNote, prompt -> Uni.createFrom().voidItem());
    }

    /** A 409 before anything is written when a step's prompt name is taken (the app's own name is checked on create). */
    private Uni<Void> stepNamesFree(UUID tenantId, AppPlan plan) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (AppPlan.Step step : plan.steps()) {
            String name = AppPlan.stepName(plan.name(), step.id());
            String slug = Slugs.of(Slugs.PROMPT, name);
            chain = chain.chain(() -> definitions.findReferenced(tenantId, RunKind.PROMPT, slug).invoke(found -> {
                if (found.isPresent()) {
                    throw new ApiException(409, "prompt slug " + slug + " (for processor " + step.id()
                            + ") is already taken; choose another app name");
                }
            }).replaceWithVoid());
        }
        return chain;
    }

    private static Object emptyGraph() {
        return Map.of("nodes", List.of(), "edges", List.of());
    }

    private record Found(AppRow row, DefinitionRow definition) {
    }

    /** An app as saved: its row, its definition (prompt or workflow) and the version just published. */
    public record SavedApp(AppRow row, DefinitionRow definition, RevisionRow revision) {
    }
}
