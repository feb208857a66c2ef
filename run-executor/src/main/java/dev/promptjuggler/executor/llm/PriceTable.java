package dev.promptjuggler.executor.llm;

import dev.promptjuggler.contracts.prompt.ModelCatalogue;
import dev.promptjuggler.executor.config.ProvidersConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * Turns token usage into money: the catalogue's price of the model ({@link ModelCatalogue}), or the configured
 * one ({@code providers.prices."<provider>/<model>"}) where the operator overrides or adds a price.
 */
@ApplicationScoped
public class PriceTable {

    private static final double MILLION = 1_000_000d;

    private final Map<String, ProvidersConfig.Price> overrides;

    public PriceTable(ProvidersConfig config) {
        this.overrides = config.prices();
    }

    /**
     * @return the cost, or null when neither the catalogue nor the configuration prices exactly this provider and
     *         model
     */
    public ModelCost cost(String provider, String model, TokenUsage usage, int webSearchCalls) {
        Rates rates = rates(provider, model);
        if (rates == null) {
            return null;
        }
        long uncached = Math.max(0, usage.input() - usage.inputCached() - usage.inputCacheWrite());
        double input = uncached * rates.input() / MILLION;
        double cachedInput = usage.inputCached() * rates.cachedInput() / MILLION;
        double cacheWrite = usage.inputCacheWrite() * rates.cacheWrite() / MILLION;
        double output = usage.output() * rates.output() / MILLION;
        double webSearch = webSearchCalls * rates.webSearch();
        return new ModelCost(input, cachedInput, cacheWrite, output, webSearch,
                input + cachedInput + cacheWrite + output + webSearch);
    }

    private Rates rates(String provider, String model) {
        ProvidersConfig.Price configured = overrides.get(ModelCatalogue.key(provider, model));
        if (configured != null) {
            return new Rates(configured.input(), configured.cachedInput().orElse(configured.input()),
                    configured.cacheWrite().orElse(configured.input()), configured.output(), configured.webSearch());
        }
        return ModelCatalogue.price(provider, model)
                .map(price -> new Rates(price.input(), price.cachedInput(), price.cacheWrite(), price.output(),
                        price.webSearch()))
                .orElse(null);
    }

    private record Rates(double input, double cachedInput, double cacheWrite, double output, double webSearch) {
    }
}
