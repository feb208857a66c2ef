package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.persistence.UsageRepository.Cost;
import dev.promptjuggler.gateway.persistence.UsageRepository.GroupTotals;
import dev.promptjuggler.gateway.persistence.UsageRepository.Grouping;
import dev.promptjuggler.gateway.persistence.UsageRepository.Tokens;
import dev.promptjuggler.gateway.service.UsageService;
import dev.promptjuggler.gateway.service.UsageService.Usage;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.UriInfo;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What the tenant's runs spent: tokens and cost, grouped, with the overall total. */
@Path("/manage/v1/usage")
@Tag(name = "Usage (management)")
public class UsageResource {

    private static final Map<String, Grouping> GROUPINGS = Map.of("definition", Grouping.DEFINITION,
            "apiKey", Grouping.API_KEY, "day", Grouping.DAY, "model", Grouping.MODEL);
    private static final List<String> GROUPING_NAMES = List.of("definition", "apiKey", "day", "model");

    private final UsageService usage;
    private final Caller caller;

    public UsageResource(UsageService usage, Caller caller) {
        this.usage = usage;
        this.caller = caller;
    }

    /** The query parameters are declared for the OpenAPI document; they are read through {@link QueryParameters}. */
    @GET
    @Operation(summary = "Token usage and cost of the runs created in [from, to), grouped by definition, API key,"
            + " day (UTC) or model; the total is the sum of the groups. A bad or missing parameter is a 400 naming it")
    public Uni<UsageReport> usage(@Context UriInfo uri,
            @Parameter(description = "ISO-8601 time or date (midnight UTC), required: runs created at or after it")
            @QueryParam("from") String from,
            @Parameter(description = "ISO-8601 time or date (midnight UTC), required: runs created before it")
            @QueryParam("to") String to,
            @Parameter(description = "definition, apiKey, day or model; default day") @QueryParam("groupBy")
            String groupBy) {
        var query = new QueryParameters(uri.getQueryParameters(), Set.of("from", "to", "groupBy"), name -> false);
        OffsetDateTime start = required(query, "from");
        OffsetDateTime end = required(query, "to");
        if (!start.isBefore(end)) {
            throw QueryParameters.badRequest("from must be before to");
        }
        String grouping = query.oneOf("groupBy", GROUPING_NAMES);
        String groupName = grouping == null ? "day" : grouping;
        return usage.usage(caller.tenantId(), start, end, GROUPINGS.get(groupName))
                .map(totals -> UsageReport.of(start, end, groupName, totals));
    }

    private static OffsetDateTime required(QueryParameters query, String name) {
        OffsetDateTime time = query.time(name);
        if (time == null) {
            throw QueryParameters.badRequest(name + " is required (an ISO-8601 time or a date)");
        }
        return time;
    }

    public record UsageReport(OffsetDateTime from, OffsetDateTime to, String groupBy, List<UsageGroup> groups,
            UsageTotals total) {

        static UsageReport of(OffsetDateTime from, OffsetDateTime to, String groupBy, Usage usage) {
            return new UsageReport(from, to, groupBy, usage.groups().stream().map(UsageGroup::of).toList(),
                    UsageTotals.of(usage.total()));
        }
    }

    /**
     * @param key          the definition's id, the API key's id, the day ({@code 2026-11-22}) or
     *                     {@code provider/model}; null for runs without one (created before keys were recorded;
     *                     workflow runs by model)
     * @param name         the definition's slug or the key's name; null for days and models
     * @param unpricedRuns runs with token usage but no cost (a model without a price): their tokens are counted,
     *                     their cost is not
     */
    public record UsageGroup(String key, String name, long runs, long unpricedRuns, UsageTokens tokenUsage,
            UsageCost cost) {

        static UsageGroup of(GroupTotals group) {
            return new UsageGroup(group.key(), group.name(), group.runs(), group.unpricedRuns(),
                    UsageTokens.of(group.tokens()), UsageCost.of(group.cost()));
        }
    }

    public record UsageTotals(long runs, long unpricedRuns, UsageTokens tokenUsage, UsageCost cost) {

        static UsageTotals of(GroupTotals total) {
            return new UsageTotals(total.runs(), total.unpricedRuns(), UsageTokens.of(total.tokens()),
                    UsageCost.of(total.cost()));
        }
    }

    /** The SDK's {@code TokenUsage} counts, summed ({@code serviceTier} is per run, so absent). */
    public record UsageTokens(long input, long inputCached, long inputCacheWrite, long output, long reasoning,
            long total) {

        static UsageTokens of(Tokens tokens) {
            return new UsageTokens(tokens.input(), tokens.inputCached(), tokens.inputCacheWrite(), tokens.output(),
                    tokens.reasoning(), tokens.total());
        }
    }

    /** The SDK's {@code ModelCost} parts in US dollars, summed over the runs' successful attempts and retries. */
    public record UsageCost(double input, double cachedInput, double cacheWrite, double output, double webSearch,
            double total) {

        static UsageCost of(Cost cost) {
            return new UsageCost(cost.input().doubleValue(), cost.cachedInput().doubleValue(),
                    cost.cacheWrite().doubleValue(), cost.output().doubleValue(), cost.webSearch().doubleValue(),
                    cost.total().doubleValue());
        }
    }
}
