package dev.promptjuggler.simulator.embeddings;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.simulator.openai.OpenAiError;
import dev.promptjuggler.simulator.shared.CallCounter;
import dev.promptjuggler.simulator.shared.LatencySimulator;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;
import org.jboss.resteasy.reactive.RestHeader;

/**
 * Simulated OpenAI embeddings endpoint, {@code POST /v1/embeddings}: OpenAI's wire format (input as a string or
 * an array of strings, {@code model}, {@code dimensions}, {@code encoding_format} float or base64), vectors from
 * {@link HashedBagOfWords}. Latency and call counting work as for chat completions.
 */
@Path("/v1/embeddings")
public class EmbeddingsResource {

    /** OpenAI's limit of inputs per request. */
    static final int MAX_INPUTS = 2048;
    static final int MAX_DIMENSIONS = 3072;

    private final ObjectMapper json;
    private final LatencySimulator latency;
    private final CallCounter calls;

    public EmbeddingsResource(ObjectMapper json, LatencySimulator latency, CallCounter calls) {
        this.json = json;
        this.latency = latency;
        this.calls = calls;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> create(@RestHeader(HttpHeaders.AUTHORIZATION) String authorization,
            @RestHeader(LatencySimulator.OVERRIDE_HEADER) String latencyOverride, byte[] body) {
        String key = bearerToken(authorization);
        if (key == null) {
            return Uni.createFrom().item(OpenAiError.of("You didn't provide an API key. The provider simulator accepts"
                    + " any non-empty key.", OpenAiError.INVALID_REQUEST_ERROR, null, "invalid_api_key").toResponse(401));
        }
        OptionalLong override;
        EmbeddingsRequest request;
        try {
            override = latency.parseOverride(latencyOverride);
            request = read(body);
        } catch (LatencySimulator.InvalidLatencyOverrideException e) {
            return Uni.createFrom().item(invalid(e.getMessage(), null, "invalid_value"));
        } catch (InvalidRequest e) {
            return Uni.createFrom().item(invalid(e.getMessage(), e.param, e.code));
        }
        List<Embedding> data = new ArrayList<>(request.inputs().size());
        int tokens = 0;
        for (int i = 0; i < request.inputs().size(); i++) {
            String text = request.inputs().get(i);
            tokens += HashedBagOfWords.words(text).length;
            float[] vector = HashedBagOfWords.embed(text, request.dimensions());
            data.add(new Embedding("embedding", i, request.base64() ? base64(vector) : vector));
        }
        EmbeddingsResponse answer = new EmbeddingsResponse("list", data, request.model(), new Usage(tokens, tokens));
        return latency.delayed(answer, latency.delayFor(override))
                .onItem().invoke(() -> calls.record("openai", request.model(), key))
                .onItem().transform(a -> Response.ok(a, MediaType.APPLICATION_JSON_TYPE).build());
    }

    private EmbeddingsRequest read(byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            throw new InvalidRequest("We could not parse the JSON body of your request.", null, null);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequest("The request body must be a JSON object.", null, null);
        }
        JsonNode model = root.get("model");
        if (model == null || model.isNull()) {
            throw new InvalidRequest("you must provide a model parameter", "model", "missing_required_parameter");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw new InvalidRequest("'model' must be a non-empty string.", "model", "invalid_type");
        }
        List<String> inputs = inputs(root.get("input"));
        int dimensions = defaultDimensions(model.asText());
        JsonNode requested = root.get("dimensions");
        if (requested != null && !requested.isNull()) {
            if (!requested.isInt() || requested.asInt() < 1 || requested.asInt() > MAX_DIMENSIONS) {
                throw new InvalidRequest("'dimensions' must be an integer from 1 to " + MAX_DIMENSIONS + ".",
                        "dimensions", "invalid_value");
            }
            dimensions = requested.asInt();
        }
        JsonNode format = root.get("encoding_format");
        String encoding = format == null || format.isNull() ? "float" : format.asText();
        if (!encoding.equals("float") && !encoding.equals("base64")) {
            throw new InvalidRequest("'encoding_format' must be 'float' or 'base64'.", "encoding_format",
                    "invalid_value");
        }
        return new EmbeddingsRequest(model.asText(), inputs, dimensions, encoding.equals("base64"));
    }

    private static List<String> inputs(JsonNode input) {
        if (input == null || input.isNull()) {
            throw new InvalidRequest("you must provide an input parameter", "input", "missing_required_parameter");
        }
        List<JsonNode> items = new ArrayList<>();
        if (input.isArray()) {
            input.forEach(items::add);
            if (items.isEmpty() || items.size() > MAX_INPUTS) {
                throw new InvalidRequest("'input' must hold 1 to " + MAX_INPUTS + " items.", "input", "invalid_value");
            }
        } else {
            items.add(input);
        }
        List<String> texts = new ArrayList<>(items.size());
        for (JsonNode item : items) {
            if (!item.isTextual()) {
                // OpenAI also takes token arrays; the simulator has no tokenizer to read them with.
                throw new InvalidRequest("'input' must be a string or an array of strings in the simulator.", "input",
                        "unsupported_value");
            }
            if (item.asText().isEmpty()) {
                throw new InvalidRequest("'input' cannot contain an empty string.", "input", "invalid_value");
            }
            texts.add(item.asText());
        }
        return texts;
    }

    /** OpenAI's sizes for its models; any other model name gets 1536. */
    static int defaultDimensions(String model) {
        return model.equals("text-embedding-3-large") ? 3072 : 1536;
    }

    /** OpenAI's base64 encoding: the vector's float32 values, little-endian. */
    private static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : vector) {
            bytes.putFloat(value);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    private static Response invalid(String message, String param, String code) {
        return OpenAiError.of(message, OpenAiError.INVALID_REQUEST_ERROR, param, code).toResponse(400);
    }

    /** The key of {@code Authorization: Bearer <key>} (scheme case-insensitive), or null when there is none. */
    private static String bearerToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        boolean bearer = value.length() > 7 && value.regionMatches(true, 0, "Bearer ", 0, 7);
        return bearer && !value.substring(7).isBlank() ? value.substring(7).trim() : null;
    }

    private record EmbeddingsRequest(String model, List<String> inputs, int dimensions, boolean base64) {
    }

    /** @param embedding a float array, or a base64 string when asked for */
    public record Embedding(String object, int index, Object embedding) {
    }

    public record Usage(@JsonProperty("prompt_tokens") int promptTokens, @JsonProperty("total_tokens") int totalTokens) {
    }

    public record EmbeddingsResponse(String object, List<Embedding> data, String model, Usage usage) {
    }

    private static final class InvalidRequest extends RuntimeException {
        private final String param;
        private final String code;

        InvalidRequest(String message, String param, String code) {
            super(message, null, false, false);
            this.param = param;
            this.code = code;
        }
    }
}
