package dev.promptjuggler.gateway.service;

import dev.promptjuggler.gateway.persistence.UsageRepository;
import dev.promptjuggler.gateway.persistence.UsageRepository.Cost;
import dev.promptjuggler.gateway.persistence.UsageRepository.GroupTotals;
import dev.promptjuggler.gateway.persistence.UsageRepository.Grouping;
import dev.promptjuggler.gateway.persistence.UsageRepository.Tokens;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Token and cost totals of a tenant's runs, per group and overall: the sums of what its runs show. */
@ApplicationScoped
public class UsageService {

    private static final Tokens NO_TOKENS = new Tokens(0, 0, 0, 0, 0, 0);
    private static final Cost NO_COST = new Cost(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
            BigDecimal.ZERO, BigDecimal.ZERO);

    private final UsageRepository usage;

    public UsageService(UsageRepository usage) {
        this.usage = usage;
    }

    /** Runs created in [from, to); the caller has checked that from is before to. */
    public Uni<Usage> usage(UUID tenantId, OffsetDateTime from, OffsetDateTime to, Grouping grouping) {
        return usage.totals(tenantId, from, to, grouping).map(groups -> {
            GroupTotals total = new GroupTotals(null, null, 0, 0, NO_TOKENS, NO_COST);
            for (GroupTotals group : groups) {
                total = new GroupTotals(null, null, total.runs() + group.runs(),
                        total.unpricedRuns() + group.unpricedRuns(), total.tokens().plus(group.tokens()),
                        total.cost().plus(group.cost()));
            }
            return new Usage(groups, total);
        });
    }

    public record Usage(List<GroupTotals> groups, GroupTotals total) {
    }
}
