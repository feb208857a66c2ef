package dev.promptjuggler.executor.llm;

import dev.promptjuggler.executor.config.ProvidersConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/** Turns token usage into money with the configured list prices ({@code providers.prices."<provider>/<model>"}). */
@ApplicationScoped
public class PriceTable {

    private static final double MILLION = 1_000_000d;

    private final Map<String, ProvidersConfig.Price> prices;

    public PriceTable(ProvidersConfig config) {
        this.prices = config.prices();
    }

    /**
     * @return the cost, or null when no price is configured for exactly this provider and model
     */
    public ModelCost cost(String provider, String model, TokenUsage usage, int webSearchCalls) {
        ProvidersConfig.Price price = prices.get(provider + "/" + model);
        if (price == null) {
            return null;
        }
        long uncached = Math.max(0, usage.input() - usage.inputCached() - usage.inputCacheWrite());
        double input = uncached * price.input() / MILLION;
        double cachedInput = usage.inputCached() * price.cachedInput().orElse(price.input()) / MILLION;
        double cacheWrite = usage.inputCacheWrite() * price.cacheWrite().orElse(price.input()) / MILLION;
        double output = usage.output() * price.output() / MILLION;
        double webSearch = webSearchCalls * price.webSearch();
        return new ModelCost(input, cachedInput, cacheWrite, output, webSearch,
                input + cachedInput + cacheWrite + output + webSearch);
    }
}
