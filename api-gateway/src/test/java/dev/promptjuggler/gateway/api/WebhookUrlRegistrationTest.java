package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An endpoint URL webhook-dispatcher would never deliver to is refused when it is registered or changed,
 * read as the dispatcher reads it. The test profile's allow-list is {@code 198.51.100.0/24} (a documentation
 * range, refused by default), standing in for the operator's {@code PJ_WEBHOOK_ALLOW_NETWORKS}.
 */
@QuarkusTest
class WebhookUrlRegistrationTest {

    @Inject
    Pool pool;

    private String key;
    private String endpoint;

    @BeforeEach
    void tenantWithAnEndpoint() {
        key = Api.newTenant();
        endpoint = as(key).body(Map.of("url", "https://hooks.example.com/registered")).post("/manage/v1/webhooks")
                .then().statusCode(201).extract().path("id");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://127.1:8080/hook|url is refused: 127.1 resolves to 127.0.0.1 is not a public address",
            "http://0x7f000001/hook|url is refused: 0x7f000001 resolves to 127.0.0.1 is not a public address",
            "http://017700000001/hook|url is refused: 017700000001 resolves to 127.0.0.1 is not a public address",
            "http://2130706433/hook|url is refused: 2130706433 resolves to 127.0.0.1 is not a public address",
            "http://127.0.0.1:9000/hook|url is refused: 127.0.0.1 is not a public address",
            "http://[::1]/hook|url is refused: [::1] resolves to 0:0:0:0:0:0:0:1 is not a public address",
            "http://[::ffff:127.0.0.1]/hook|url is refused: [::ffff:127.0.0.1] resolves to 127.0.0.1 is not a public address",
            "https://10.0.0.7/hook|url is refused: 10.0.0.7 is not a public address",
            "https://192.168.1.1/hook|url is refused: 192.168.1.1 is not a public address",
            "http://169.254.169.254/latest/meta-data|url is refused: 169.254.169.254 is not a public address",
            "http://[fe80::1]/hook|url is refused: [fe80::1] resolves to fe80:0:0:0:0:0:0:1 is not a public address",
            "http://[fd12:3456::1]/hook|url is refused: [fd12:3456::1] resolves to fd12:3456:0:0:0:0:0:1 is not a public address",
            "http://224.0.0.1/hook|url is refused: 224.0.0.1 is not a public address",
            "http://0.0.0.0/hook|url is refused: 0.0.0.0 is not a public address",
            "http://[::]/hook|url is refused: [::] resolves to 0:0:0:0:0:0:0:0 is not a public address",
            "http://localhost:8080/hook|url is refused: localhost resolves to 127.0.0.1 is not a public address",
            "http:///hook|url has no host",
            "http://1.2.3.4.5/hook|url has a host that is not a valid IPv4 address: 1.2.3.4.5",
            "http://%6Cocalhost/hook|url has a host that is not a valid host name: %6Cocalhost (write internationalized"
                    + " names in their xn-- form)",
            "https://hooks.example.com:0/hook|url has port 0, outside 1-65535",
            "ftp://hooks.example.com/hook|url must be an http(s) URL",
            "javascript:alert(1)|url must be an http(s) URL"})
    void aUrlTheDispatcherWouldRefuseIsA422NamingTheReasonAndStoresNothing(String url, String reason) {
        long before = endpointCount();

        as(key).body(Map.of("url", url)).post("/manage/v1/webhooks")
                .then().statusCode(422).body("error", startsWith(reason));
        as(key).body(Map.of("url", url)).put("/manage/v1/webhooks/{id}", endpoint)
                .then().statusCode(422).body("error", startsWith(reason));

        assertEquals(before, endpointCount());
        as(key).get("/manage/v1/webhooks").then().body("[0].url", equalTo("https://hooks.example.com/registered"));
    }

    @Test
    void anAllowListedRangeMayBeRegisteredInAnyOfItsSpellings() {
        for (String url : new String[] {"http://198.51.100.7/hook", "http://198.51.25607/hook", "http://0xc6336407/hook"}) {
            as(key).body(Map.of("url", url)).post("/manage/v1/webhooks").then().statusCode(201).body("url", equalTo(url));
            as(key).body(Map.of("url", url)).put("/manage/v1/webhooks/{id}", endpoint).then().statusCode(200);
        }
        as(key).body(Map.of("url", "http://203.0.113.7/hook")).post("/manage/v1/webhooks")
                .then().statusCode(422).body("error", startsWith("url is refused: 203.0.113.7 is not a public address"));
    }

    /** DNS can change, and the dispatcher resolves every delivery again: a name that does not resolve now is no 5xx. */
    @Test
    void aNameThatDoesNotResolveIsAccepted() {
        as(key).body(Map.of("url", "https://hooks.does-not-exist.invalid/hook")).post("/manage/v1/webhooks")
                .then().statusCode(201);
        as(key).body(Map.of("url", "https://public.example/hook")).put("/manage/v1/webhooks/{id}", endpoint)
                .then().statusCode(200).body("url", equalTo("https://public.example/hook"));
    }

    private static org.hamcrest.Matcher<String> startsWith(String prefix) {
        return org.hamcrest.Matchers.startsWith(prefix);
    }

    private long endpointCount() {
        return pool.query("SELECT count(*) FROM gateway.webhook_endpoints").execute()
                .await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0);
    }
}
