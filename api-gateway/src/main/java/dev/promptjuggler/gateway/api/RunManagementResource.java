package dev.promptjuggler.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.gateway.persistence.EventDeliveryRepository.AttemptRow;
import dev.promptjuggler.gateway.persistence.EventDeliveryRepository.DeliveryRow;
import dev.promptjuggler.gateway.persistence.RunCancellationRepository.CancelledRun;
import dev.promptjuggler.gateway.persistence.RunHistoryRepository.MetadataMatch;
import dev.promptjuggler.gateway.persistence.RunHistoryRepository.PagePosition;
import dev.promptjuggler.gateway.persistence.RunHistoryRepository.RunDetailRow;
import dev.promptjuggler.gateway.persistence.RunHistoryRepository.RunSummaryRow;
import dev.promptjuggler.gateway.service.RunCancellationService;
import dev.promptjuggler.gateway.service.RunHistoryService.RunDetail;
import dev.promptjuggler.gateway.service.RunHistoryService.RunFilter;
import dev.promptjuggler.gateway.service.RunHistoryService.RunPage;
import dev.promptjuggler.gateway.service.RunHistoryService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

/**
 * A tenant's run history (its runs under filters, newest first, page by page, and one run in full) and stopping a
 * run, prompt or workflow.
 */
@Path("/manage/v1/runs")
@Tag(name = "Runs (management)")
public class RunManagementResource {

    static final int MAX_LIMIT = 200;
    static final int MAX_METADATA_FILTERS = 20;
    private static final String METADATA = "metadata.";
    private static final Set<String> PARAMETERS = Set.of("kind", "definition", "version", "tag", "thread", "status",
            "priority", "environment", "createdAfter", "createdBefore", "cursor", "limit");
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");
    private static final Pattern TAG = Pattern.compile("[a-z][a-z0-9_-]*");
    private static final Pattern UUID_TEXT =
            Pattern.compile("\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}");

    private final RunHistoryService history;
    private final RunCancellationService cancellations;
    private final Caller caller;

    public RunManagementResource(RunHistoryService history, RunCancellationService cancellations, Caller caller) {
        this.history = history;
        this.cancellations = cancellations;
        this.caller = caller;
    }

    /** The query parameters are declared for the OpenAPI document; they are read through {@link QueryParameters}. */
    @GET
    @Operation(summary = "The tenant's runs, newest first, a page at a time (nextCursor continues); every filter"
            + " given must hold. metadata.<key>=<value> (repeatable) keeps runs whose metadata has that key with that"
            + " value, or an array holding it. An unknown parameter, a bad value or a bad cursor is a 400 naming it")
    public Uni<RunHistoryPage> list(@Context UriInfo uri,
            @Parameter(description = "prompt or workflow") @QueryParam("kind") String kind,
            @Parameter(description = "a prompt's or workflow's slug (a former slug too) or id")
            @QueryParam("definition") String definition,
            @Parameter(description = "a published version number of the definition (needs definition)")
            @QueryParam("version") String version,
            @Parameter(description = "a tag of the definition: runs of the revision it points at now (needs"
                    + " definition)") @QueryParam("tag") String tag,
            @Parameter(description = "a thread id") @QueryParam("thread") String thread,
            @Parameter(description = "pending, completed or failed") @QueryParam("status") String status,
            @Parameter(description = "onsite, normal or low") @QueryParam("priority") String priority,
            @Parameter(description = "the environment the run was started in") @QueryParam("environment")
            String environment,
            @Parameter(description = "ISO-8601 time or date (midnight UTC): runs created after it")
            @QueryParam("createdAfter") String createdAfter,
            @Parameter(description = "ISO-8601 time or date (midnight UTC): runs created before it")
            @QueryParam("createdBefore") String createdBefore,
            @Parameter(description = "the nextCursor of the previous page, as it was given") @QueryParam("cursor")
            String cursor,
            @Parameter(description = "runs per page, 1 to " + MAX_LIMIT + ", default 50") @QueryParam("limit")
            String limit) {
        return history.list(caller.tenantId(), filter(new QueryParameters(uri.getQueryParameters(), PARAMETERS,
                        name -> name.startsWith(METADATA))))
                .map(RunHistoryPage::of);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One run in full: inputs, metadata, revision, times, attempts, outcome, usage, cost, and"
            + " the webhook deliveries of its finished event")
    public Uni<RunHistoryDetail> get(@PathParam("id") String id) {
        return history.detail(caller.tenantId(), PathParams.uuid(id, "id", "run")).map(RunHistoryDetail::of);
    }

    private static RunFilter filter(QueryParameters query) {
        String definition = query.single("definition");
        String version = query.single("version");
        String tag = query.single("tag");
        if (version != null && !VERSION.matcher(version).matches()) {
            throw QueryParameters.badRequest("version must be a published version number (1, 2, …)");
        }
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw QueryParameters.badRequest("tag must match [a-z][a-z0-9_-]*");
        }
        if ((version != null || tag != null) && definition == null) {
            throw QueryParameters.badRequest((version != null ? "version" : "tag") + " needs definition (versions"
                    + " and tags belong to a prompt or workflow)");
        }
        if (version != null && tag != null) {
            throw QueryParameters.badRequest("give version or tag, not both");
        }
        String thread = query.single("thread");
        if (thread != null && !UUID_TEXT.matcher(thread).matches()) {
            throw QueryParameters.badRequest("thread must be a UUID");
        }
        String environment = query.single("environment");
        if (environment != null && environment.isEmpty()) {
            throw QueryParameters.badRequest("environment must not be empty");
        }
        OffsetDateTime createdAfter = query.time("createdAfter");
        OffsetDateTime createdBefore = query.time("createdBefore");
        return new RunFilter(query.oneOf("kind", List.of("prompt", "workflow")), definition, version, tag,
                thread == null ? null : UUID.fromString(thread),
                query.oneOf("status", List.of("pending", "completed", "failed")),
                query.oneOf("priority", List.of("onsite", "normal", "low")), environment, metadata(query),
                createdAfter, createdBefore, Cursors.decode(query.single("cursor")),
                query.integer("limit", 1, MAX_LIMIT, 50));
    }

    private static List<MetadataMatch> metadata(QueryParameters query) {
        List<MetadataMatch> matches = new ArrayList<>();
        for (String name : query.names()) {
            if (!name.startsWith(METADATA)) {
                continue;
            }
            String key = name.substring(METADATA.length());
            if (key.isEmpty()) {
                throw QueryParameters.badRequest("metadata. needs a key: metadata.<key>=<value>");
            }
            query.all(name).forEach(value -> matches.add(new MetadataMatch(key, value)));
        }
        if (matches.size() > MAX_METADATA_FILTERS) {
            throw QueryParameters.badRequest("at most " + MAX_METADATA_FILTERS + " metadata.<key> filters");
        }
        return matches;
    }

    /**
     * The cursor is opaque to callers: the last run's creation time (microseconds, PostgreSQL's precision) and id,
     * base64url. Anything else is refused rather than read as the first page.
     */
    static final class Cursors {

        private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

        private Cursors() {
        }

        static String encode(PagePosition position) {
            if (position == null) {
                return null;
            }
            ByteBuffer bytes = ByteBuffer.allocate(24);
            bytes.putLong(ChronoUnit.MICROS.between(Instant.EPOCH, position.createdAt().toInstant()));
            bytes.putLong(position.id().getMostSignificantBits()).putLong(position.id().getLeastSignificantBits());
            return ENCODER.encodeToString(bytes.array());
        }

        static PagePosition decode(String cursor) {
            if (cursor == null) {
                return null;
            }
            byte[] bytes;
            try {
                bytes = Base64.getUrlDecoder().decode(cursor.getBytes(StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                bytes = new byte[0];
            }
            if (bytes.length != 24) {
                throw QueryParameters.badRequest("cursor is not one this API gave: pass a page's nextCursor as it is");
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            Instant createdAt = Instant.EPOCH.plus(buffer.getLong(), ChronoUnit.MICROS);
            return new PagePosition(createdAt.atOffset(ZoneOffset.UTC), new UUID(buffer.getLong(), buffer.getLong()));
        }
    }

    /** @param nextCursor pass it as {@code cursor} for the next page; null on the last page */
    public record RunHistoryPage(List<RunHistoryItem> runs, String nextCursor) {

        static RunHistoryPage of(RunPage page) {
            return new RunHistoryPage(page.runs().stream().map(RunHistoryItem::of).toList(),
                    Cursors.encode(page.next()));
        }
    }

    /** @param createdAt when the run was accepted and queued */
    public record RunHistoryItem(UUID id, String kind, String status, DefinitionRef definition, RevisionRef revision,
            UUID thread, String channel, String priority, String environment,
            @Schema(implementation = Object.class) JsonNode metadata, UUID apiKeyId, OffsetDateTime createdAt,
            OffsetDateTime startedAt, OffsetDateTime finishedAt) {

        static RunHistoryItem of(RunSummaryRow run) {
            return new RunHistoryItem(run.id(), run.kind(), run.status(),
                    new DefinitionRef(run.definitionId(), run.definitionSlug(), run.definitionName()),
                    new RevisionRef(run.revisionId(), run.revisionVersion()), run.threadId(), run.channel(),
                    run.priority(), run.environment(), run.metadata(), run.apiKeyId(), run.createdAt(),
                    run.startedAt(), run.finishedAt());
        }
    }

    public record DefinitionRef(UUID id, String slug, String name) {
    }

    public record RevisionRef(UUID id, int version) {
    }

    /**
     * @param createdAt  when the run was accepted and queued
     * @param requeuedAt when the sweeper last put it back on its topic (a lost lease, an unpublished request)
     * @param attempts   how many times a worker claimed it
     * @param output     a prompt run's answer
     * @param outputs    a workflow run's Output-node values
     * @param error      a failed prompt run's error
     * @param errors     a workflow run's failed nodes' messages
     * @param tokenUsage as stored, {@code inputCacheWrite} included
     */
    public record RunHistoryDetail(UUID id, String kind, String status, DefinitionRef definition,
            RevisionRef revision, UUID thread, String channel, String priority, String environment, UUID apiKeyId,
            @Schema(implementation = Object.class) JsonNode inputs,
            @Schema(implementation = Object.class) JsonNode metadata, OffsetDateTime createdAt,
            OffsetDateTime requeuedAt, OffsetDateTime startedAt, OffsetDateTime finishedAt, int attempts,
            String output, @Schema(ref = "WorkflowOutputs") JsonNode outputs, String error,
            @Schema(ref = "WorkflowErrors") JsonNode errors, @Schema(ref = "TokenUsage") JsonNode tokenUsage,
            @Schema(ref = "RunCost") JsonNode cost, @Schema(ref = "Transcript") JsonNode transcript,
            @Schema(ref = "EmittedItems") JsonNode emitted, RunWebhooks webhooks) {

        static RunHistoryDetail of(RunDetail detail) {
            RunDetailRow row = detail.run();
            RunSummaryRow run = row.run();
            return new RunHistoryDetail(run.id(), run.kind(), run.status(),
                    new DefinitionRef(run.definitionId(), run.definitionSlug(), run.definitionName()),
                    new RevisionRef(run.revisionId(), run.revisionVersion()), run.threadId(), run.channel(),
                    run.priority(), run.environment(), run.apiKeyId(), row.inputs(), run.metadata(), run.createdAt(),
                    row.requeuedAt(), run.startedAt(), run.finishedAt(), row.attempts(), row.output(), row.outputs(),
                    row.error(), row.errors(), row.tokenUsage(), row.cost(), row.transcript(), row.emitted(),
                    new RunWebhooks(detail.eventId(), detail.deliveries().stream().map(WebhookDelivery::of).toList()));
        }
    }

    /**
     * @param eventId    the run's finished event, as receivers see it in {@code PromptJuggler-Event-Id}
     * @param deliveries one per endpoint the event went to, oldest first; empty until the run finished and the
     *                   dispatcher fanned it out (or when no endpoint matched)
     */
    public record RunWebhooks(UUID eventId, List<WebhookDelivery> deliveries) {
    }

    /** A delivery as the delivery log shows it. */
    public record WebhookDelivery(UUID id, UUID eventId, String event, UUID endpointId, String status, int attempts,
            OffsetDateTime nextAttemptAt, OffsetDateTime createdAt, OffsetDateTime deliveredAt,
            OffsetDateTime lastAttemptAt, Integer lastStatusCode, String lastErrorClass, String lastError,
            List<WebhookDeliveryAttempt> attemptLog) {

        static WebhookDelivery of(DeliveryRow row) {
            return new WebhookDelivery(row.id(), row.eventId(), row.event(), row.endpointId(), row.status(),
                    row.attempts(), row.nextAttemptAt(), row.createdAt(), row.deliveredAt(), row.lastAttemptAt(),
                    row.lastStatusCode(), row.lastErrorClass(), row.lastError(),
                    row.attemptLog().stream().map(WebhookDeliveryAttempt::of).toList());
        }
    }

    public record WebhookDeliveryAttempt(int attempt, OffsetDateTime at, Integer statusCode, int latencyMs,
            String errorClass, String error, String responseExcerpt) {

        static WebhookDeliveryAttempt of(AttemptRow row) {
            return new WebhookDeliveryAttempt(row.attempt(), row.at(), row.statusCode(), row.latencyMs(),
                    row.errorClass(), row.error(), row.responseExcerpt());
        }
    }

    @POST
    @Path("/{id}/cancel")
    @ResponseStatus(202)
    @APIResponse(responseCode = "202", description = "Accepted: the run is stopped (a pending one never starts) and ends"
            + " failed with the error cancelled; its webhook follows", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CancelResponse.class)))
    @APIResponse(responseCode = "409", description = "run 0f9c2a4e-5b1d-4c3e-9a7f-2d8e6b1c4a90 has already ended"
            + " (completed): only a pending run can be cancelled")
    @Operation(summary = "Cancel a pending or running run: it stops within seconds (its provider request aborted) and"
            + " ends failed with the error \"cancelled\"")
    public Uni<CancelResponse> cancel(@PathParam("id") String id) {
        return cancellations.cancel(caller.tenantId(), PathParams.uuid(id, "id", "run")).map(CancelResponse::of);
    }

    /**
     * @param status            the run's status now: {@code pending} until the executor has ended it
     * @param cancelRequestedAt when the cancel was first requested (a repeated request keeps it)
     */
    public record CancelResponse(UUID id, String kind, String status, OffsetDateTime cancelRequestedAt) {

        static CancelResponse of(CancelledRun run) {
            return new CancelResponse(run.id(), run.kind().wireName(), run.status(), run.requestedAt());
        }
    }
}
