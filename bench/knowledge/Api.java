package bench.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The platform as a client sees it: api-gateway's public and management API, knowledge-ingest's internal search. */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();

    /** One hit, named the way the exact scan and the index scan can be compared. */
    record Hit(String documentId, int position, double score) {
        String key() {
            return documentId + "/" + position;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String gateway;
    private final String ingest;

    Api(String gateway, String ingest) {
        this.gateway = gateway;
        this.ingest = ingest;
    }

    /** A tenant of its own for this run: {@code {tenantId, apiKey: {key}}}. */
    JsonNode bootstrap(String token, String tenantName) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(gateway + "/manage/v1/bootstrap"))
                .header("X-Bootstrap-Token", token).header("Content-Type", "application/json")
                .POST(body(JSON.createObjectNode().put("tenantName", tenantName))).build(), 201, 200);
    }

    JsonNode createBase(String key, String name) throws IOException, InterruptedException {
        return send(authorised(key, "/manage/v1/knowledge-bases").header("Content-Type", "application/json")
                .POST(body(JSON.createObjectNode().put("name", name))).build(), 201);
    }

    JsonNode base(String key, String slug) throws IOException, InterruptedException {
        return send(authorised(key, "/api/v1/knowledge-bases/" + slug).GET().build(), 200);
    }

    void deleteBase(String key, String slug) throws IOException, InterruptedException {
        send(authorised(key, "/manage/v1/knowledge-bases/" + slug).DELETE().build(), 204);
    }

    /** {@code POST /api/v1/knowledge-bases/{slug}/documents} with parts files[0], files[1], … as the SDK sends them. */
    JsonNode upload(String key, String slug, List<Corpus.Document> documents) throws IOException, InterruptedException {
        String boundary = "pj-bench-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < documents.size(); i++) {
            Corpus.Document document = documents.get(i);
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files[" + i + "]\"; filename=\""
                    + document.fileName() + "\"\r\nContent-Type: " + document.mimeType() + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.write(document.content());
            body.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(authorised(key, "/api/v1/knowledge-bases/" + slug + "/documents")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), 200, 201);
    }

    /** knowledge-ingest's own search endpoint, the one api-gateway and the executor call. */
    List<Hit> searchIngest(String tenantId, String baseId, String query, int topK, boolean exact)
            throws IOException, InterruptedException {
        return searchIngest(tenantId, baseId, query, topK, exact, null);
    }

    /** The same with a metadata filter ({@code {"key": value}}), or none when null. */
    List<Hit> searchIngest(String tenantId, String baseId, String query, int topK, boolean exact,
            Map<String, Object> filter) throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode().put("tenantId", tenantId).put("query", query).put("topK", topK);
        if (filter != null) {
            request.set("filter", JSON.valueToTree(filter));
        }
        if (exact) {
            request.put("exact", true);
        }
        return hits(send(HttpRequest.newBuilder(URI.create(ingest + "/internal/v1/knowledge-bases/" + baseId + "/search"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60)).POST(body(request)).build(), 200));
    }

    /** The management search of api-gateway: authentication, then a forward to knowledge-ingest. */
    List<Hit> searchGateway(String key, String slug, String query, int topK) throws IOException, InterruptedException {
        return hits(send(authorised(key, "/manage/v1/knowledge-bases/" + slug + "/search")
                .header("Content-Type", "application/json")
                .POST(body(JSON.createObjectNode().put("query", query).put("topK", topK))).build(), 200));
    }

    /** A request that does no work (liveness), as a reference for what the HTTP round trip costs right now. */
    List<Hit> live(int hits) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(URI.create(ingest + "/q/health/live")).GET().build(), 200);
        return java.util.Collections.nCopies(hits, new Hit("", 0, 0));
    }

    /**
     * knowledge-ingest's own account of its search requests so far (Micrometer's http_server_requests timer):
     * {seconds in all, requests}.
     */
    double[] serverSearchTime() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(ingest + "/q/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        double seconds = 0;
        double requests = 0;
        for (String line : response.body().split("\n")) {
            if (!line.contains("uri=\"/internal/v1/knowledge-bases/{id}/search\"")) {
                continue;
            }
            double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            if (line.startsWith("http_server_requests_seconds_sum{")) {
                seconds += value;
            } else if (line.startsWith("http_server_requests_seconds_count{")) {
                requests += value;
            }
        }
        return new double[] {seconds, requests};
    }

    private static List<Hit> hits(JsonNode answer) {
        List<Hit> hits = new ArrayList<>();
        for (JsonNode hit : answer.get("results")) {
            hits.add(new Hit(hit.get("documentId").asText(), hit.get("position").asInt(), hit.get("score").asDouble()));
        }
        return hits;
    }

    private HttpRequest.Builder authorised(String key, String path) {
        return HttpRequest.newBuilder(URI.create(gateway + path)).header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(60));
    }

    private static HttpRequest.BodyPublisher body(JsonNode json) {
        return HttpRequest.BodyPublishers.ofString(json.toString());
    }

    private JsonNode send(HttpRequest request, int... expected) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        for (int status : expected) {
            if (response.statusCode() == status) {
                return response.body().length == 0 ? JSON.nullNode() : JSON.readTree(response.body());
            }
        }
        throw new IOException(request.method() + " " + request.uri() + " answered " + response.statusCode() + ": "
                + new String(response.body(), StandardCharsets.UTF_8));
    }
}
