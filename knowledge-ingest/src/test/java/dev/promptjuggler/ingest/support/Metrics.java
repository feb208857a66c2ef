package dev.promptjuggler.ingest.support;

import io.restassured.RestAssured;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Figures as an operator reads them: this service's {@code /q/metrics} in Prometheus' text format. */
public final class Metrics {

    private Metrics() {
    }

    /** The sample of {@code name} whose {@code tag} has {@code value}; fails when the service does not report it. */
    public static double sample(String name, String tag, String value) {
        String text = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher sample = Pattern.compile("^" + Pattern.quote(name) + "\\{[^}]*\\b" + Pattern.quote(tag) + "=\""
                + Pattern.quote(value) + "\"[^}]*} (\\S+)$", Pattern.MULTILINE).matcher(text);
        if (!sample.find()) {
            throw new AssertionError(name + "{" + tag + "=\"" + value + "\"} is not on /q/metrics");
        }
        return Double.parseDouble(sample.group(1));
    }
}
