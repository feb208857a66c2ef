package dev.promptjuggler.contracts.prompt;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The models a prompt may name, by provider, with their list prices: every value of the SDK's {@code Model} enum
 * ({@code @promptjuggler/sdk@1.4.0}) and the older names earlier revisions were published with. api-gateway
 * refuses to publish a prompt whose {@code provider}/{@code model} is not here; run-executor prices every run
 * of a model that is (its {@code providers.prices."<provider>/<model>".*} configuration overrides a price).
 *
 * <p>A price is {@link Source#LIST} when it was read from the provider's public price page on
 * {@link Price#pricedOn()}, or {@link Source#ESTIMATE} when no published price was known to us that day: then
 * it is the list price of the model named in {@link Price#likeModel()} (the same tier of the same provider), so
 * a run is never shown as free, and operators should override it once the provider publishes one.
 */
public final class ModelCatalogue {

    private static final LocalDate LIST_READ = LocalDate.parse("2025-11-20");
    private static final LocalDate ESTIMATED = LocalDate.parse("2026-12-03");

    private static final Map<String, Price> PRICES = new LinkedHashMap<>();

    static {
        // OpenAI (standard tier; web search is priced per call only where the model searches natively).
        list("openai", "gpt-5", 1.25, 0.125, 10.00, 0);
        list("openai", "gpt-5-mini", 0.25, 0.025, 2.00, 0);
        list("openai", "gpt-5-nano", 0.05, 0.005, 0.40, 0);
        list("openai", "gpt-5-search-api", 1.25, 0.125, 10.00, 0.01);
        list("openai", "gpt-5.1", 1.25, 0.125, 10.00, 0);
        list("openai", "gpt-4.1", 2.00, 0.50, 8.00, 0);
        list("openai", "gpt-4.1-mini", 0.40, 0.10, 1.60, 0);
        list("openai", "gpt-4o", 2.50, 1.25, 10.00, 0);
        list("openai", "gpt-4o-mini", 0.15, 0.075, 0.60, 0);
        list("openai", "gpt-5-pro", 15.00, 15.00, 120.00, 0);
        estimate("openai", "gpt-6-astra", "gpt-5.1");
        estimate("openai", "gpt-6-sol", "gpt-5.1");
        estimate("openai", "gpt-6-luna", "gpt-5-nano");
        estimate("openai", "gpt-5.6-sol", "gpt-5.1");
        estimate("openai", "gpt-5.6-terra", "gpt-5-mini");
        estimate("openai", "gpt-5.6-luna", "gpt-5-nano");
        estimate("openai", "gpt-5.5", "gpt-5.1");
        estimate("openai", "gpt-5.5-pro", "gpt-5-pro");
        estimate("openai", "gpt-5.4", "gpt-5.1");
        estimate("openai", "gpt-5.4-mini", "gpt-5-mini");
        estimate("openai", "gpt-5.4-nano", "gpt-5-nano");
        estimate("openai", "gpt-5.4-pro", "gpt-5-pro");
        estimate("openai", "gpt-5.2", "gpt-5.1");
        estimate("openai", "gpt-5.2-pro", "gpt-5-pro");
        // Gemini (prompts up to 200k tokens; grounding with Google Search per call).
        list("gemini", "gemini-2.5-pro", 1.25, 0.125, 10.00, 0.035);
        list("gemini", "gemini-2.5-flash", 0.30, 0.03, 2.50, 0.035);
        list("gemini", "gemini-2.5-flash-lite", 0.10, 0.01, 0.40, 0.035);
        list("gemini", "gemini-3-pro-preview", 2.00, 0.20, 12.00, 0.014);
        estimate("gemini", "gemini-3.1-pro-preview", "gemini-3-pro-preview");
        estimate("gemini", "gemini-3.8-flash", "gemini-2.5-flash");
        estimate("gemini", "gemini-3.7-flash", "gemini-2.5-flash");
        estimate("gemini", "gemini-3.6-flash", "gemini-2.5-flash");
        estimate("gemini", "gemini-3.5-flash", "gemini-2.5-flash");
        estimate("gemini", "gemini-3-flash-preview", "gemini-2.5-flash");
        estimate("gemini", "gemini-3.5-flash-lite", "gemini-2.5-flash-lite");
        estimate("gemini", "gemini-3.1-flash-lite", "gemini-2.5-flash-lite");
        // Anthropic (cache writes of 5-minute entries; web search per call).
        list("anthropic", "claude-opus-4-5", 5.00, 0.50, 6.25, 25.00, 0.01);
        list("anthropic", "claude-sonnet-4-5", 3.00, 0.30, 3.75, 15.00, 0.01);
        list("anthropic", "claude-haiku-4-5", 1.00, 0.10, 1.25, 5.00, 0.01);
        estimate("anthropic", "claude-fable-5-1", "claude-opus-4-5");
        estimate("anthropic", "claude-fable-5", "claude-opus-4-5");
        estimate("anthropic", "claude-opus-5-5", "claude-opus-4-5");
        estimate("anthropic", "claude-opus-5", "claude-opus-4-5");
        estimate("anthropic", "claude-opus-4-8", "claude-opus-4-5");
        estimate("anthropic", "claude-opus-4-7", "claude-opus-4-5");
        estimate("anthropic", "claude-opus-4-6", "claude-opus-4-5");
        estimate("anthropic", "claude-sonnet-5", "claude-sonnet-4-5");
        estimate("anthropic", "claude-sonnet-4-6", "claude-sonnet-4-5");
    }

    private ModelCatalogue() {
    }

    /** The providers a prompt may name, as the SDK's {@code Provider} enum spells them. */
    public static Set<String> providers() {
        return PRICES.values().stream().map(Price::provider).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    /** Whether {@code model} is catalogued for {@code provider} (exact names: a dated snapshot is another model). */
    public static boolean contains(String provider, String model) {
        return PRICES.containsKey(key(provider, model));
    }

    /** The catalogued models of one provider, in catalogue order. */
    public static List<String> models(String provider) {
        return PRICES.values().stream().filter(price -> price.provider().equals(provider)).map(Price::model).toList();
    }

    public static Optional<Price> price(String provider, String model) {
        return Optional.ofNullable(PRICES.get(key(provider, model)));
    }

    public static List<Price> all() {
        return List.copyOf(PRICES.values());
    }

    /** The key prompts and the price configuration name a model by: {@code "<provider>/<model>"}. */
    public static String key(String provider, String model) {
        return provider + "/" + model;
    }

    private static void list(String provider, String model, double input, double cachedInput, double output,
            double webSearch) {
        list(provider, model, input, cachedInput, input, output, webSearch);
    }

    private static void list(String provider, String model, double input, double cachedInput, double cacheWrite,
            double output, double webSearch) {
        PRICES.put(key(provider, model), new Price(provider, model, input, cachedInput, cacheWrite, output, webSearch,
                LIST_READ, Source.LIST, null));
    }

    private static void estimate(String provider, String model, String like) {
        Price sibling = PRICES.get(key(provider, like));
        PRICES.put(key(provider, model), new Price(provider, model, sibling.input(), sibling.cachedInput(),
                sibling.cacheWrite(), sibling.output(), sibling.webSearch(), ESTIMATED, Source.ESTIMATE, like));
    }

    public enum Source {
        /** Read from the provider's public price page on {@code pricedOn}. */
        LIST,
        /** No published price known on {@code pricedOn}: the price of {@code likeModel}. */
        ESTIMATE
    }

    /**
     * US dollars per million tokens ({@code cachedInput}: cache reads, {@code cacheWrite}: cache writes, the
     * input price where the provider charges nothing extra), and per web search call.
     *
     * @param likeModel for an estimate, the model whose list price it is; null for a list price
     */
    public record Price(String provider, String model, double input, double cachedInput, double cacheWrite,
            double output, double webSearch, LocalDate pricedOn, Source source, String likeModel) {
    }
}
