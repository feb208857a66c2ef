package dev.promptjuggler.executor.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.prompt.ModelCatalogue;
import dev.promptjuggler.executor.config.ProvidersConfig;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every model of the SDK's {@code Model} enum is priced, so a run of a catalogued model never has a null cost;
 * the enum is read from {@code e2e/sdk/sdk-models.json}, derived from {@code @promptjuggler/sdk}'s types.
 */
class PriceTableTest {

    private static final TokenUsage USAGE = new TokenUsage(1_000_000, 200_000, 500_000, 0, 1_500_000, 100_000);

    @Test
    void everyModelOfTheSdksEnumHasACost() throws IOException {
        JsonNode sdk = new ObjectMapper().readTree(Path.of("..").toAbsolutePath().normalize()
                .resolve("e2e/sdk/sdk-models.json").toFile());
        PriceTable prices = new PriceTable(config(Map.of()));
        List<String> unpriced = new ArrayList<>();
        sdk.get("enums").get("Model").forEach(value -> {
            String model = value.asText();
            String provider = model.startsWith("gpt-") ? "openai" : model.startsWith("claude-") ? "anthropic" : "gemini";
            ModelCost cost = prices.cost(provider, model, USAGE, 1);
            if (cost == null || !(cost.total() > 0)) {
                unpriced.add(provider + "/" + model);
            }
        });
        assertTrue(sdk.get("enums").get("Model").size() >= 40, "the SDK's Model enum was read");
        assertEquals(List.of(), unpriced, "models of the SDK's enum without a price");
    }

    @Test
    void theCatalogueSplitsInputByCacheUseAndAConfiguredPriceOverridesIt() {
        ModelCatalogue.Price listed = ModelCatalogue.price("anthropic", "claude-sonnet-4-5").orElseThrow();
        ModelCost cost = new PriceTable(config(Map.of())).cost("anthropic", "claude-sonnet-4-5", USAGE, 2);
        assertEquals(0.7 * listed.input(), cost.input(), 1e-9, "input less cache reads and writes");
        assertEquals(0.2 * listed.cachedInput(), cost.cachedInput(), 1e-9);
        assertEquals(0.1 * listed.cacheWrite(), cost.cacheWrite(), 1e-9);
        assertEquals(0.5 * listed.output(), cost.output(), 1e-9);
        assertEquals(2 * listed.webSearch(), cost.webSearch(), 1e-9);

        ModelCost overridden = new PriceTable(config(Map.of("anthropic/claude-sonnet-4-5", price(1.0, 4.0))))
                .cost("anthropic", "claude-sonnet-4-5", USAGE, 0);
        assertEquals(1.0 + 2.0, overridden.total(), 1e-9, "1M input at 1 (cache reads and writes at the input"
                + " price when the override names none), 0.5M output at 4");
        assertNotNull(new PriceTable(config(Map.of("openai/my-fine-tune", price(1.0, 1.0))))
                .cost("openai", "my-fine-tune", USAGE, 0), "a configured price adds a model");
        assertNull(new PriceTable(config(Map.of())).cost("openai", "my-fine-tune", USAGE, 0));
    }

    @Test
    void everyCataloguedPriceIsDatedAndEveryEstimateNamesTheListPriceItFollows() {
        for (ModelCatalogue.Price price : ModelCatalogue.all()) {
            assertNotNull(price.pricedOn(), price.model());
            assertEquals(price.source() == ModelCatalogue.Source.ESTIMATE, price.likeModel() != null, price.model());
        }
    }

    private static ProvidersConfig config(Map<String, ProvidersConfig.Price> prices) {
        return (ProvidersConfig) Proxy.newProxyInstance(ProvidersConfig.class.getClassLoader(),
                new Class<?>[] {ProvidersConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("prices")) {
                        return prices;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static ProvidersConfig.Price price(double input, double output) {
        return new ProvidersConfig.Price() {
            @Override
            public double input() {
                return input;
            }

            @Override
            public Optional<Double> cachedInput() {
                return Optional.empty();
            }

            @Override
            public Optional<Double> cacheWrite() {
                return Optional.empty();
            }

            @Override
            public double output() {
                return output;
            }

            @Override
            public double webSearch() {
                return 0;
            }
        };
    }
}
