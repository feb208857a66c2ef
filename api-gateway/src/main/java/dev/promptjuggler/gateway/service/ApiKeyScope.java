package dev.promptjuggler.gateway.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** What an API key may call. */
public enum ApiKeyScope {
    /** The public API and the management API. */
    @JsonProperty("admin") ADMIN,
    /** The public API only: what an application embedding the SDK needs. */
    @JsonProperty("api") API;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ApiKeyScope fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
