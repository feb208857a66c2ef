package dev.promptjuggler.gateway.service;

import dev.promptjuggler.contracts.RunFinished;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.persistence.EventDeliveryRepository;
import dev.promptjuggler.gateway.persistence.EventDeliveryRepository.DeliveryRow;
import dev.promptjuggler.gateway.persistence.RunHistoryRepository;
import dev.promptjuggler.gateway.persistence.RunHistoryRepository.MetadataMatch;
import dev.promptjuggler.gateway.persistence.RunHistoryRepository.PagePosition;
import dev.promptjuggler.gateway.persistence.RunHistoryRepository.RunDetailRow;
import dev.promptjuggler.gateway.persistence.RunHistoryRepository.RunQuery;
import dev.promptjuggler.gateway.persistence.RunHistoryRepository.RunSummaryRow;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A tenant's run history: pages of runs under filters, newest first, and one run with everything known of it,
 * the webhook deliveries of its finished event included.
 */
@ApplicationScoped
public class RunHistoryService {

    private final RunHistoryRepository runs;
    private final EventDeliveryRepository deliveries;

    public RunHistoryService(RunHistoryRepository runs, EventDeliveryRepository deliveries) {
        this.runs = runs;
        this.deliveries = deliveries;
    }

    /**
     * A definition, version or tag that names nothing of the tenant's matches no run: the page is empty, as it is
     * for any filter nothing matches (and says nothing of other tenants).
     */
    public Uni<RunPage> list(UUID tenantId, RunFilter filter) {
        if (filter.definition() == null) {
            return page(tenantId, filter, null, null);
        }
        return runs.definition(tenantId, filter.definition()).chain(definition -> {
            if (definition.isEmpty()) {
                return Uni.createFrom().item(RunPage.EMPTY);
            }
            String versionOrTag = filter.version() != null ? filter.version() : filter.tag();
            if (versionOrTag == null) {
                return page(tenantId, filter, definition.get(), null);
            }
            return runs.revision(definition.get(), versionOrTag).chain(revision -> revision.isEmpty()
                    ? Uni.createFrom().item(RunPage.EMPTY)
                    : page(tenantId, filter, definition.get(), revision.get()));
        });
    }

    private Uni<RunPage> page(UUID tenantId, RunFilter filter, UUID definitionId, UUID revisionId) {
        var query = new RunQuery(tenantId, filter.kind(), definitionId, revisionId, filter.thread(), filter.status(),
                filter.priority(), filter.environment(), filter.metadata(), filter.createdAfter(),
                filter.createdBefore(), filter.after(), filter.limit());
        return runs.list(query).map(found -> {
            if (found.size() <= filter.limit()) {
                return new RunPage(found, null);
            }
            List<RunSummaryRow> page = found.subList(0, filter.limit());
            RunSummaryRow last = page.get(page.size() - 1);
            return new RunPage(page, new PagePosition(last.createdAt(), last.id()));
        });
    }

    public Uni<RunDetail> detail(UUID tenantId, UUID id) {
        return runs.find(tenantId, id).chain(found -> {
            RunDetailRow run = found.orElseThrow(() -> ApiException.notFound("run " + id + " not found"));
            UUID eventId = RunFinished.eventId(RunKind.valueOf(run.run().kind().toUpperCase(Locale.ROOT)), id);
            return deliveries.forEvent(tenantId, eventId).map(sent -> new RunDetail(run, eventId, sent));
        });
    }

    /**
     * What to list; null = not filtered.
     *
     * @param definition a slug (a former one too) or id of a prompt or workflow
     * @param version    a published version number of {@code definition}
     * @param tag        a tag of {@code definition}: the runs of the revision it points at now
     * @param after      where the previous page ended
     */
    public record RunFilter(String kind, String definition, String version, String tag, UUID thread, String status,
            String priority, String environment, List<MetadataMatch> metadata, OffsetDateTime createdAfter,
            OffsetDateTime createdBefore, PagePosition after, int limit) {
    }

    /** @param next where the next page starts; null on the last page */
    public record RunPage(List<RunSummaryRow> runs, PagePosition next) {
        static final RunPage EMPTY = new RunPage(List.of(), null);
    }

    /** @param eventId the id of the run's finished event (its webhooks' {@code PromptJuggler-Event-Id}) */
    public record RunDetail(RunDetailRow run, UUID eventId, List<DeliveryRow> deliveries) {
    }
}
