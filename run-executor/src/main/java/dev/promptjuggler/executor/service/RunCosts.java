package dev.promptjuggler.executor.service;

import dev.promptjuggler.executor.llm.ModelCost;
import dev.promptjuggler.executor.llm.ModelTurn;
import dev.promptjuggler.executor.llm.PriceTable;
import dev.promptjuggler.executor.llm.TokenUsage;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** A run's token usage and cost, summed over its successful model turns (nested prompts' included). */
@ApplicationScoped
public class RunCosts {

    private static final ModelCost ZERO = new ModelCost(0, 0, 0, 0, 0, 0);

    private final PriceTable prices;

    public RunCosts(PriceTable prices) {
        this.prices = prices;
    }

    /** @return the summed usage, or null when no turn succeeded (the SDK's "null until the first turn succeeds") */
    public static TokenUsage usage(List<ModelTurn> turns) {
        return turns.stream().map(ModelTurn::usage).filter(java.util.Objects::nonNull)
                .reduce(TokenUsage::plus).orElse(null);
    }

    /**
     * @return the SDK's {@code RunCost}, or null when no turn succeeded or a turn's model has no price.
     *         Failed attempts are not billed by the providers, so {@code retries} is zero.
     */
    public RunCost cost(List<ModelTurn> turns) {
        if (turns.isEmpty()) {
            return null;
        }
        ModelCost success = ZERO;
        for (ModelTurn turn : turns) {
            ModelCost cost = prices.cost(turn.provider(), turn.model(),
                    turn.usage() == null ? TokenUsage.NONE : turn.usage(), turn.webSearchCalls());
            if (cost == null) {
                return null;
            }
            success = success.plus(cost);
        }
        return new RunCost(success, ZERO, success.total());
    }

    /** Usage and cost of turns, with nested spends (a workflow tool's) added. */
    public Spend spend(List<ModelTurn> turns, Spend nested) {
        return new Spend(usage(turns), cost(turns)).plus(nested);
    }

    /**
     * What something spent: tokens, and their cost. Nothing spent: both null; spent but no price covers it:
     * usage without cost (and any sum with it has no cost either).
     */
    public record Spend(TokenUsage usage, RunCost cost) {

        public static final Spend NONE = new Spend(null, null);

        public Spend plus(Spend other) {
            if (other.usage == null) {
                return this;
            }
            if (usage == null) {
                return other;
            }
            boolean priced = cost != null && other.cost != null;
            return new Spend(usage.plus(other.usage), priced ? cost.plus(other.cost) : null);
        }
    }

    /** The SDK's {@code RunCost}. */
    public record RunCost(ModelCost success, ModelCost retries, double total) {

        public RunCost plus(RunCost other) {
            return new RunCost(success.plus(other.success), retries.plus(other.retries), total + other.total);
        }
    }
}
