package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(RateLimitTest.Limited.class)
class RateLimitTest {

    public static class Limited implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.rate-limit.enabled", "true", "gateway.rate-limit.requests", "3",
                    "gateway.rate-limit.period", "1h");
        }
    }

    @Test
    void aKeyOverItsLimitGets429WithRetryAfterWhileOtherKeysGoOn() {
        String busy = Api.newTenant();
        String calm = Api.newTenant();

        for (int remaining = 2; remaining >= 0; remaining--) {
            as(busy).get("/manage/v1/prompts").then().statusCode(200)
                    .header("RateLimit-Limit", "3").header("RateLimit-Remaining", String.valueOf(remaining));
        }
        as(busy).get("/manage/v1/prompts").then().statusCode(429)
                .header("Retry-After", matchesPattern("[1-9][0-9]*"))
                .header("RateLimit-Remaining", "0")
                .body("error", equalTo("rate limit exceeded: 3 requests per 3600 s for this API key"));

        as(calm).get("/manage/v1/prompts").then().statusCode(200).header("RateLimit-Remaining", "2");
    }
}
