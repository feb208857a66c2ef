package dev.promptjuggler.gateway.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stream tokens: minted for one thread of the caller's tenant, refused everywhere else, and every credential that
 * is not one refused by the stream (401 or 403 with {@code {"error"}}, nothing streamed).
 */
@QuarkusTest
class StreamTokenTest {

    @ConfigProperty(name = "gateway.stream.signing-key")
    String signingKey;

    private String key;
    private UUID tenant;
    private String slug;

    @BeforeEach
    void tenantWithPrompt() {
        var created = given().header("X-Bootstrap-Token", Api.BOOTSTRAP_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("tenantName", "token tests " + UUID.randomUUID()))
                .post("/manage/v1/bootstrap").then().statusCode(201).extract().jsonPath();
        key = created.getString("apiKey.key");
        tenant = UUID.fromString(created.getString("tenantId"));
        slug = Api.createPrompt(key, "Streamed", Api.promptDraft("Say {{x}}"));
        Api.publish(key, "prompts", slug);
    }

    @Test
    void aTokenIsMintedForAThreadThatDoesNotExistYet() {
        UUID thread = UUID.randomUUID();
        Instant before = Instant.now();
        var grant = Api.as(key).post("/api/v1/threads/{thread}/stream-token", thread)
                .then().statusCode(200)
                .body("token", matchesPattern("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"))
                .body("expiresAt", notNullValue())
                .body("url", matchesPattern("http://[^/]+/api/v1/threads/" + thread + "/stream"))
                .extract().jsonPath();
        Instant expiresAt = Instant.parse(grant.getString("expiresAt"));
        // The default lifetime is ten minutes.
        Duration lifetime = Duration.between(before, expiresAt);
        assertTrue(lifetime.compareTo(Duration.ofMinutes(9)) > 0 && lifetime.compareTo(Duration.ofMinutes(11)) < 0,
                "expiresAt " + expiresAt + " is about ten minutes away");
        assertEquals(3, grant.getMap("$").size(), "exactly the SDK's StreamTokenResponse");
    }

    @Test
    void anotherTenantsThreadIsNotFound() {
        UUID thread = startRun(key, null);
        String stranger = Api.newTenant();
        Api.as(stranger).post("/api/v1/threads/{thread}/stream-token", thread)
                .then().statusCode(404).body("error", containsString("not found"));
        Api.as(stranger).post("/api/v1/threads/{thread}/stream-token", "not-a-uuid")
                .then().statusCode(404).body("error", containsString("thread must be a UUID"));
    }

    @Test
    void mintingNeedsAnApiKey() {
        given().post("/api/v1/threads/{thread}/stream-token", UUID.randomUUID())
                .then().statusCode(401).body("error", notNullValue());
    }

    @Test
    void theOwnersTokenOpensTheStream() throws Exception {
        UUID thread = UUID.randomUUID();
        try (SseClient stream = stream(thread, mint(key, thread))) {
            assertEquals(200, stream.status, stream.body);
            assertTrue(stream.contentType.startsWith("text/event-stream"));
        }
    }

    @Test
    void withoutACredentialTheStreamIsRefused() throws Exception {
        refused(SseClient.open(url(UUID.randomUUID()), Map.of()), 401, "missing stream token");
    }

    @Test
    void anApiKeyIsNotAStreamToken() throws Exception {
        refused(stream(UUID.randomUUID(), key), 401, "invalid or expired stream token");
    }

    @Test
    void aStreamTokenIsNotAnApiKey() {
        UUID thread = startRun(key, null);
        String token = mint(key, thread);
        given().auth().oauth2(token).get("/api/v1/promptruns/{id}", UUID.randomUUID())
                .then().statusCode(401).body("error", equalTo("invalid or revoked API key"));
        given().auth().oauth2(token).post("/api/v1/threads/{thread}/stream-token", thread)
                .then().statusCode(401).body("error", equalTo("invalid or revoked API key"));
        given().auth().oauth2(token).get("/manage/v1/prompts")
                .then().statusCode(401).body("error", equalTo("invalid or revoked API key"));
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        UUID thread = UUID.randomUUID();
        String expired = signed(Jwt.issuer("promptjuggler-api-gateway").audience("thread-stream")
                .subject(thread.toString()).claim("tenant", tenant.toString())
                .issuedAt(Instant.now().minusSeconds(1200)).expiresAt(Instant.now().minusSeconds(600)), signingKey);
        refused(stream(thread, expired), 401, "invalid or expired stream token");
    }

    @Test
    void aTamperedTokenIsRefused() throws Exception {
        UUID thread = UUID.randomUUID();
        String[] parts = mint(key, thread).split("\\.");
        // Same signature, another thread in the claims.
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]))
                .replace(thread.toString(), UUID.randomUUID().toString());
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes())
                + "." + parts[2];
        refused(stream(thread, tampered), 401, "invalid or expired stream token");
        // A token this gateway did not sign, however well formed.
        String foreign = signed(Jwt.issuer("promptjuggler-api-gateway").audience("thread-stream")
                .subject(thread.toString()).claim("tenant", tenant.toString())
                .expiresAt(Instant.now().plusSeconds(600)), Base64.getEncoder().encodeToString(new byte[32]));
        refused(stream(thread, foreign), 401, "invalid or expired stream token");
        // Signed with the right key, but not a stream token (another audience).
        String otherAudience = signed(Jwt.issuer("promptjuggler-api-gateway").audience("something-else")
                .subject(thread.toString()).claim("tenant", tenant.toString())
                .expiresAt(Instant.now().plusSeconds(600)), signingKey);
        refused(stream(thread, otherAudience), 401, "invalid or expired stream token");
    }

    @Test
    void aTokenForAnotherThreadIsForbidden() throws Exception {
        UUID mine = UUID.randomUUID();
        refused(stream(UUID.randomUUID(), mint(key, mine)), 403, "another thread");
    }

    @Test
    void aTokenOfAnotherTenantIsForbiddenOnceTheThreadIsTaken() throws Exception {
        // Two tenants mint for the same unused id; the first to run on it owns the thread.
        UUID thread = UUID.randomUUID();
        String stranger = Api.newTenant();
        String strangersToken = mint(stranger, thread);
        startRun(key, thread);
        refused(stream(thread, strangersToken), 403, "not valid for thread");
        try (SseClient owners = stream(thread, mint(key, thread))) {
            assertEquals(200, owners.status, owners.body);
        }
    }

    private String mint(String apiKey, UUID thread) {
        return Api.as(apiKey).post("/api/v1/threads/{thread}/stream-token", thread)
                .then().statusCode(200).extract().path("token");
    }

    private UUID startRun(String apiKey, UUID thread) {
        Map<String, Object> body = thread == null ? Map.of("inputs", Map.of("x", "1"))
                : Map.of("inputs", Map.of("x", "1"), "thread", thread.toString());
        return UUID.fromString(Api.as(apiKey).body(body).post("/api/v1/prompts/{slug}/1/runs", slug)
                .then().statusCode(200).extract().path("thread"));
    }

    private static URI url(UUID thread) {
        return URI.create("http://localhost:" + io.restassured.RestAssured.port + "/api/v1/threads/" + thread
                + "/stream");
    }

    private static SseClient stream(UUID thread, String bearer) throws Exception {
        return SseClient.open(url(thread), Map.of("Authorization", "Bearer " + bearer));
    }

    private static void refused(SseClient response, int status, String error) throws Exception {
        try (response) {
            assertEquals(status, response.status, response.body);
            assertTrue(response.contentType.startsWith("application/json"), response.contentType);
            var body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body);
            assertTrue(body.get("error").asText().contains(error), response.body);
            assertEquals(List.of("error"), List.copyOf(iterable(body.fieldNames())));
        }
    }

    private static <T> List<T> iterable(java.util.Iterator<T> iterator) {
        List<T> items = new java.util.ArrayList<>();
        iterator.forEachRemaining(items::add);
        return items;
    }

    private static String signed(io.smallrye.jwt.build.JwtClaimsBuilder claims, String base64Key) {
        byte[] bytes = Base64.getDecoder().decode(base64Key);
        return claims.jws().algorithm(SignatureAlgorithm.HS256).sign(new SecretKeySpec(bytes, "HmacSHA256"));
    }
}
