package dev.promptjuggler.executor.support;

import io.restassured.RestAssured;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One reading of this service's {@code /q/metrics}, as Prometheus takes it: {@link #value} sums the samples of a
 * name that carry the given tags (0 when there is none yet), so a test compares two readings around its work.
 */
public record Scrape(String text) {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})? (\\S+)$", Pattern.MULTILINE);

    public static Scrape now() {
        return new Scrape(RestAssured.get("/q/metrics").then().statusCode(200).extract().asString());
    }

    public double value(String name, Map<String, String> tags) {
        double sum = 0;
        Matcher sample = SAMPLE.matcher(text);
        while (sample.find()) {
            String labels = sample.group(3) == null ? "" : sample.group(3);
            if (sample.group(1).equals(name) && tags.entrySet().stream()
                    .allMatch(tag -> labels.matches("(.*,)?" + Pattern.quote(tag.getKey() + "=\"" + tag.getValue() + "\"") + "(,.*)?"))) {
                sum += Double.parseDouble(sample.group(4));
            }
        }
        return sum;
    }

    /** How much {@code name} with {@code tags} grew from {@code before} to this reading. */
    public double since(Scrape before, String name, Map<String, String> tags) {
        return value(name, tags) - before.value(name, tags);
    }

    public boolean has(String name) {
        return Pattern.compile("^" + Pattern.quote(name) + "[{ ]", Pattern.MULTILINE).matcher(text).find();
    }
}
