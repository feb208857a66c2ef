package dev.promptjuggler.gateway.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.contracts.workflow.WorkflowDefinition;
import dev.promptjuggler.contracts.workflow.WorkflowGraph;
import dev.promptjuggler.contracts.workflow.WorkflowGraph.Reference;
import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.api.JsonProblems;
import dev.promptjuggler.gateway.persistence.DefinitionRepository.DefinitionRow;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * What a workflow draft must be to be published (docs/api.md, "Workflow definitions"): a
 * {@link WorkflowDefinition} that keeps {@link WorkflowGraph}'s rules, whose nodes run only the tenant's
 * own prompts and workflows at versions that are published, and never the workflow itself. Each refusal is
 * a 422; from the graph on, it names the node.
 */
@ApplicationScoped
public class WorkflowValidator {

    private final DefinitionService definitions;
    private final ObjectMapper mapper;

    public WorkflowValidator(DefinitionService definitions, ObjectMapper mapper) {
        this.definitions = definitions;
        this.mapper = mapper;
    }

    /** @throws ApiException 422 (also as the Uni's failure) with the first problem found */
    public Uni<Void> check(UUID tenantId, DefinitionRow workflow) {
        WorkflowDefinition definition = parse(workflow.draft());
        WorkflowGraph.problem(definition).ifPresent(problem -> {
            throw ApiException.invalid(problem);
        });
        // One reference after the other, so that the first broken one in node order is reported.
        Uni<Void> checked = Uni.createFrom().voidItem();
        for (Reference reference : WorkflowGraph.references(definition)) {
            checked = checked.call(() -> checkReference(tenantId, workflow, reference));
        }
        return checked;
    }

    private Uni<Void> checkReference(UUID tenantId, DefinitionRow workflow, Reference reference) {
        RunKind kind = RunKind.WORKFLOW.wireName().equals(reference.kind()) ? RunKind.WORKFLOW : RunKind.PROMPT;
        String node = "node " + reference.nodeId() + ": ";
        return definitions.findReferenced(tenantId, kind, reference.definition()).chain(found -> {
            DefinitionRow target = found.orElseThrow(() -> ApiException.invalid(
                    node + "no " + reference.kind() + " " + reference.definition()));
            if (target.id().equals(workflow.id())) {
                throw ApiException.invalid(node + "a workflow cannot run itself");
            }
            return definitions.publishedRevision(target, reference.version()).invoke(revision -> {
                if (revision.isEmpty()) {
                    throw ApiException.invalid(node + reference.kind() + " " + reference.definition()
                            + " has no published version " + reference.version());
                }
            });
        }).replaceWithVoid();
    }

    private WorkflowDefinition parse(JsonNode draft) {
        try {
            return mapper.treeToValue(draft, WorkflowDefinition.class);
        } catch (MismatchedInputException e) {
            throw ApiException.invalid("the draft is not a workflow definition: " + JsonProblems.path(e) + " must be "
                    + JsonProblems.shape(e.getTargetType()));
        } catch (JsonProcessingException e) {
            // What remains is the definition's constructor refusing a null among the nodes or edges.
            throw ApiException.invalid("the draft is not a workflow definition: nodes and edges cannot hold null");
        }
    }
}
