package dev.promptjuggler.contracts.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The catalogue against the SDK's {@code Provider} and {@code Model} enums ({@code e2e/sdk/sdk-models.json},
 * derived from {@code @promptjuggler/sdk}'s types): a prompt the SDKs can describe can be published, and priced.
 */
class ModelCatalogueTest {

    @Test
    void everyModelOfTheSdksEnumIsCataloguedUnderItsProvider() throws IOException {
        JsonNode enums = new ObjectMapper().readTree(Path.of("..").toAbsolutePath().normalize()
                .resolve("e2e/sdk/sdk-models.json").toFile()).get("enums");
        Set<String> providers = new TreeSet<>();
        enums.get("Provider").forEach(provider -> providers.add(provider.asText()));
        assertEquals(providers, ModelCatalogue.providers());

        List<String> missing = new ArrayList<>();
        enums.get("Model").forEach(value -> {
            String model = value.asText();
            long owners = providers.stream().filter(provider -> ModelCatalogue.contains(provider, model)).count();
            if (owners != 1) {
                missing.add(model + " (catalogued under " + owners + " providers)");
            }
        });
        assertEquals(List.of(), missing);
    }
}
