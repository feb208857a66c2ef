package dev.promptjuggler.gateway.api;

import jakarta.ws.rs.core.MultivaluedMap;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The query string of a listing endpoint, read strictly: a parameter the endpoint does not know, or a single-valued
 * one given twice, is a 400 naming it rather than a filter silently ignored (a typo would otherwise widen the
 * answer). {@link RequestParameterRules} has checked every value's characters and length already.
 */
final class QueryParameters {

    private final MultivaluedMap<String, String> parameters;

    /**
     * @param known    the parameters the endpoint takes
     * @param extended names it takes beyond {@code known} (e.g. {@code metadata.<key>}), or none
     */
    QueryParameters(MultivaluedMap<String, String> parameters, Set<String> known, Predicate<String> extended) {
        this.parameters = parameters;
        for (String name : parameters.keySet()) {
            if (!known.contains(name) && !extended.test(name)) {
                throw badRequest("unknown query parameter " + name + " (known: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    /** The parameter's one value; null when absent. */
    String single(String name) {
        List<String> values = parameters.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw badRequest("query parameter " + name + " is given more than once");
        }
        return values.get(0);
    }

    List<String> all(String name) {
        return parameters.getOrDefault(name, List.of());
    }

    Set<String> names() {
        return parameters.keySet();
    }

    /** One of {@code allowed}, or null when absent. */
    String oneOf(String name, List<String> allowed) {
        String value = single(name);
        if (value != null && !allowed.contains(value)) {
            throw badRequest(name + " must be one of " + String.join(", ", allowed));
        }
        return value;
    }

    /** An ISO-8601 time with offset, or a date (midnight UTC); null when absent. */
    OffsetDateTime time(String name) {
        String value = single(name);
        if (value == null) {
            return null;
        }
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay().atOffset(ZoneOffset.UTC)
                    : OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw badRequest(name + " must be an ISO-8601 time with offset (2026-11-22T18:00:00Z) or a date"
                    + " (2026-11-22, midnight UTC)");
        }
    }

    /** An integer from {@code min} to {@code max}; {@code fallback} when absent. */
    int integer(String name, int min, int max, int fallback) {
        String value = single(name);
        if (value == null) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below, as an integer out of range is
        }
        throw badRequest(name + " must be an integer from " + min + " to " + max);
    }

    /** A positive whole number, such as an id ({@code what} says what it is); null when absent. */
    Long positiveLong(String name, String what) {
        String value = single(name);
        if (value == null) {
            return null;
        }
        if (!value.matches("[1-9][0-9]{0,17}")) {
            throw badRequest(name + " must be " + what);
        }
        return Long.valueOf(value);
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }
}
