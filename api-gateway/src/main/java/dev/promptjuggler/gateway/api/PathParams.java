package dev.promptjuggler.gateway.api;

import java.util.UUID;
import java.util.regex.Pattern;

/** Path parameters that are ids: {@link RequestParameterRules} has checked their characters and length already. */
public final class PathParams {

    private static final Pattern CANONICAL_UUID =
            Pattern.compile("\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}");

    private PathParams() {
    }

    /**
     * A malformed id cannot name an existing resource, so it is answered like any unknown one (404), with
     * the parameter named.
     *
     * @param parameter the path parameter's name ({@code id}, {@code deliveryId})
     * @param noun      what the id names ({@code prompt run})
     */
    public static UUID uuid(String value, String parameter, String noun) {
        if (!CANONICAL_UUID.matcher(value).matches()) {
            throw ApiException.notFound(noun + " not found: " + parameter + " must be a UUID");
        }
        return UUID.fromString(value);
    }
}
