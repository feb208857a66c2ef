package dev.promptjuggler.executor.client;

import io.vertx.core.json.JsonObject;

/** Small JSON helpers the provider wire mappings share. */
public final class WireJson {

    private WireJson() {
    }

    /** Leaves the key out when the value is null: providers reject explicit nulls for many fields. */
    public static void putIfSet(JsonObject object, String key, Object value) {
        if (value != null) {
            object.put(key, value);
        }
    }

    /** A token count; absent or null is 0. */
    public static long count(JsonObject object, String key) {
        return object != null && object.getValue(key) instanceof Number n ? n.longValue() : 0;
    }
}
