package dev.promptjuggler.gateway.service;

import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.contracts.RunRequested;
import dev.promptjuggler.contracts.prompt.PromptTemplate;
import dev.promptjuggler.contracts.workflow.NodeType;
import dev.promptjuggler.contracts.workflow.WorkflowDefinition;
import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.config.GatewayConfig;
import dev.promptjuggler.gateway.metrics.GatewayMetrics;
import dev.promptjuggler.gateway.messaging.RunOutboxRelay;
import dev.promptjuggler.contracts.prompt.PromptConfig;
import dev.promptjuggler.contracts.secret.SecretCipher;
import dev.promptjuggler.contracts.secret.SecretOwners;
import dev.promptjuggler.gateway.persistence.DefinitionRepository.DefinitionRow;
import dev.promptjuggler.gateway.persistence.DefinitionRepository.RevisionRow;
import dev.promptjuggler.gateway.persistence.JsonColumns;
import dev.promptjuggler.gateway.persistence.RunRepository;
import dev.promptjuggler.gateway.persistence.RunRepository.IdempotencyRecord;
import dev.promptjuggler.gateway.persistence.RunRepository.NewRun;
import dev.promptjuggler.gateway.persistence.RunRepository.RunRow;
import dev.promptjuggler.gateway.persistence.RunRepository.ThreadUse;
import dev.promptjuggler.gateway.persistence.WorkflowNodeResultRepository;
import dev.promptjuggler.gateway.persistence.WorkflowNodeResultRepository.NodeResultRow;
import dev.promptjuggler.gateway.service.DefinitionService.ResolvedRevision;
import dev.promptjuggler.runtime.tracing.TraceParent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Accepting a run: resolve the revision, check the request against it, record the run (its thread and its
 * outbox row in the same transaction), then publish it. Once that transaction commits the run is accepted: the
 * caller gets {@code {id, thread}} when the broker has the record or after {@code gateway.accept.publish-wait},
 * and the outbox relay publishes what the request could not. Anything that fails before the commit stores
 * nothing, and the caller is refused (503 when PostgreSQL cannot be reached, see ErrorMappers).
 */
@ApplicationScoped
public class RunService {

    private static final int EXPECTED_INPUTS_KEPT = 10_000;

    private final DefinitionService definitions;
    private final RunRepository runs;
    private final RunOutboxRelay publisher;
    private final java.time.Duration publishWait;
    private final JsonColumns json;
    private final SecretCipher cipher;
    private final WorkflowNodeResultRepository nodeResults;
    private final GatewayMetrics metrics;
    /**
     * The inputs each revision expects, by revision id, read from its configuration once: a revision never changes
     * (a draft run's snapshot is a revision of its own).
     */
    private final Map<UUID, List<String>> expectedInputs = new ConcurrentHashMap<>();

    public RunService(DefinitionService definitions, RunRepository runs, RunOutboxRelay publisher, JsonColumns json,
            SecretCipher cipher, WorkflowNodeResultRepository nodeResults, GatewayConfig config, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.publishWait = config.accept().publishWait();
        this.cipher = cipher;
        this.nodeResults = nodeResults;
        this.definitions = definitions;
        this.runs = runs;
        this.publisher = publisher;
        this.json = json;
    }

    /**
     * @param idempotencyKey the request's Idempotency-Key header, or null: a retry with the same key and
     *                       request within 24 h gets the original run back and creates nothing
     */
    public Uni<AcceptedRun> createRun(RunRequester requester, RunKind kind, String slug, String version,
            RunRequest request, String idempotencyKey) {
        return create(requester, kind, () -> definitions.resolve(requester.tenantId(), kind, slug, version)
                        .map(ResolvedRevision::revision),
                requestHash(kind, slug, version, request), request, idempotencyKey);
    }

    /**
     * Runs the current draft of a prompt or workflow without publishing it: a snapshot of the draft (version 0, see
     * {@link DefinitionService#draftRevision}) is what the run executes, at the request's priority (the caller
     * chooses onsite, as the editor's test runs do).
     *
     * @param check what the draft must pass first, as for publishing it
     */
    public Uni<AcceptedRun> createDraftRun(RunRequester requester, RunKind kind, String slug,
            RunRequest request, String idempotencyKey, Function<DefinitionRow, Uni<Void>> check) {
        return create(requester, kind, () -> definitions.draftRevision(requester.tenantId(), kind, slug, check)
                        .map(ResolvedRevision::revision),
                requestHash(kind, slug, null, request), request, idempotencyKey);
    }

    private Uni<AcceptedRun> create(RunRequester requester, RunKind kind, Supplier<Uni<RevisionRow>> revision,
            String requestHash, RunRequest request, String idempotencyKey) {
        // Taken while the request's span is current: the run keeps it, and every publication of the run continues it.
        String traceparent = TraceParent.current();
        if (idempotencyKey == null) {
            return accept(requester, kind, revision, request, null, traceparent)
                    .map(accepted -> accepted.orElseThrow(IllegalStateException::new));
        }
        if (idempotencyKey.isBlank() || idempotencyKey.length() > 255) {
            throw ApiException.invalid("Idempotency-Key must be 1 to 255 characters");
        }
        var record = new IdempotencyRecord(idempotencyKey, requestHash);
        return replay(requester.tenantId(), record).chain(replayed -> replayed.isPresent()
                ? Uni.createFrom().item(replayed.get())
                : accept(requester, kind, revision, request, record, traceparent).chain(accepted -> accepted.isPresent()
                        ? Uni.createFrom().item(accepted.get())
                        // A concurrent request with the same key won the race: answer as its retry.
                        : replay(requester.tenantId(), record).map(again -> again.orElseThrow(IllegalStateException::new))));
    }

    private Uni<Optional<AcceptedRun>> replay(UUID tenantId, IdempotencyRecord record) {
        return runs.findByIdempotencyKey(tenantId, record.key()).map(found -> found.map(original -> {
            if (!original.requestHash().equals(record.requestHash())) {
                throw ApiException.invalid("Idempotency-Key " + record.key() + " was used for a different request");
            }
            return new AcceptedRun(original.runId(), original.threadId(), original.revisionId());
        }));
    }

    /** @return empty when the idempotency key was taken concurrently (nothing was stored or published) */
    private Uni<Optional<AcceptedRun>> accept(RunRequester requester, RunKind kind, Supplier<Uni<RevisionRow>> resolve,
            RunRequest request, IdempotencyRecord idempotency, String traceparent) {
        Priority priority = request.priority();
        UUID tenantId = requester.tenantId();
        return resolve.get()
                .invoke(revision -> requireInputsFor(kind, revision, request.inputs()))
                .chain(revision -> {
                    Thread thread = thread(request.thread());
                    String environment = request.environment() != null ? request.environment()
                            : requester.defaultEnvironment();
                    UUID runId = UUID.randomUUID();
                    var run = new NewRun(runId, tenantId, kind, thread.id(), request.channel(), priority.wireName(),
                            environment, revision.id(), revision.version(), request.inputs(), request.metadata(),
                            encryptedEnvVars(runId, request.envVars()), traceparent, requester.apiKeyId());
                    var event = new RunRequested(run.id(), tenantId, thread.id(), kind, priority, revision.id(),
                            Instant.now());
                    return runs.insert(run, thread.use(), idempotency, publishWait)
                            .invoke(inserted -> {
                                if (inserted) {
                                    metrics.runAccepted(kind, priority);
                                }
                            })
                            .chain(inserted -> inserted
                                    ? publisher.publish(event, traceparent)
                                            .replaceWith(Optional.of(new AcceptedRun(run.id(), thread.id(), revision.id())))
                                    : Uni.createFrom().item(Optional.<AcceptedRun>empty()));
                });
    }

    private String encryptedEnvVars(UUID runId, Map<String, String> envVars) {
        return envVars.isEmpty() ? null
                : cipher.encrypt(json.write(envVars), SecretOwners.runVariables(runId));
    }

    /**
     * Same key, same request: the same operation, whatever order the JSON fields came in. Of envVars only
     * the keys count, so no digest of secret values is ever stored.
     *
     * @param version null for a draft run
     */
    private String requestHash(RunKind kind, String slug, String version, RunRequest request) {
        var canonical = new java.util.TreeMap<String, Object>();
        canonical.put("kind", kind.wireName());
        canonical.put("slug", slug);
        if (version == null) {
            canonical.put("draft", true);
        } else {
            canonical.put("version", version);
        }
        canonical.put("inputs", new java.util.TreeMap<>(request.inputs()));
        canonical.put("thread", request.thread());
        canonical.put("priority", request.priority().wireName());
        canonical.put("environment", request.environment());
        canonical.put("metadata", new java.util.TreeMap<>(request.metadata()));
        canonical.put("envVarKeys", new java.util.TreeSet<>(request.envVars().keySet()));
        canonical.put("channel", request.channel());
        return ApiKeyService.sha256Hex(json.write(canonical));
    }

    public Uni<RunRow> findRun(UUID tenantId, RunKind kind, UUID id) {
        String noun = kind == RunKind.PROMPT ? "prompt run " : "workflow run ";
        return runs.find(tenantId, id, kind).map(found -> {
            RunRow run = found.orElseThrow(() -> ApiException.notFound(noun + id + " not found"));
            if (run.erasedAt() != null) {
                throw ApiException.gone(noun + id + " was erased with its thread " + run.threadId());
            }
            return run;
        });
    }

    /** The node results of one of the tenant's workflow runs, as they were stored; 404 for any other run. */
    public Uni<List<NodeResultRow>> trace(UUID tenantId, UUID runId) {
        return findRun(tenantId, RunKind.WORKFLOW, runId).chain(run -> nodeResults.list(run.id()));
    }

    /** A prompt's inputs are its placeholders, a workflow's its Input nodes' names; extra inputs are allowed. */
    private void requireInputsFor(RunKind kind, RevisionRow revision, Map<String, String> inputs) {
        if (expectedInputs.size() >= EXPECTED_INPUTS_KEPT) {
            expectedInputs.clear();
        }
        List<String> expected = expectedInputs.computeIfAbsent(revision.id(), id -> expectedInputs(kind, revision));
        List<String> missing = expected.stream().filter(name -> !inputs.containsKey(name)).toList();
        if (!missing.isEmpty()) {
            throw ApiException.invalid("inputs is missing " + String.join(", ", missing) + " ("
                    + (kind == RunKind.PROMPT ? "placeholders" : "Input nodes") + " of "
                    + (revision.draft() ? "the draft" : "version " + revision.version()) + ")");
        }
    }

    private List<String> expectedInputs(RunKind kind, RevisionRow revision) {
        String config = revision.config().toString();
        return switch (kind) {
            case PROMPT -> List.copyOf(PromptTemplate.placeholders(json.read(config, PromptConfig.class)));
            case WORKFLOW -> json.read(config, WorkflowDefinition.class).nodes().stream()
                    .filter(node -> NodeType.INPUT.wireName().equals(node.type()))
                    .map(WorkflowDefinition.Node::name)
                    .toList();
        };
    }

    /** A named thread's owner is checked, and the thread created if new, inside the run's transaction. */
    private static Thread thread(UUID requested) {
        return requested == null ? new Thread(UUID.randomUUID(), ThreadUse.FRESH) : new Thread(requested, ThreadUse.NAMED);
    }

    /** A run request after the API layer checked its shape. */
    /** @param envVars per-run overrides; stored encrypted with the run and purged when it ends */
    public record RunRequest(Map<String, String> inputs, UUID thread, Priority priority, String environment,
            Map<String, String> envVars, Map<String, Object> metadata, String channel) {
    }

    /** @param revisionId the revision the run executes: a published one, or a draft's snapshot */
    public record AcceptedRun(UUID id, UUID thread, UUID revisionId) {
    }

    private record Thread(UUID id, ThreadUse use) {
    }
}
