package dev.promptjuggler.gateway.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** Words a JSON value Jackson could not bind as the caller wrote it: the field's path and the shape it needs. */
public final class JsonProblems {

    private JsonProblems() {
    }

    /** {@code "priority must be a string"}, {@code "scope must be one of admin, api"}, {@code "body must be an object"}. */
    public static String describe(MismatchedInputException e) {
        String path = path(e);
        return (path.isEmpty() ? "body" : path) + " must be " + shape(e.getTargetType());
    }

    /** The field path as the caller wrote it: {@code draft.messages[0].role}. */
    public static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference step : e.getPath()) {
            if (step.getFieldName() == null) {
                path.append('[').append(step.getIndex()).append(']');
            } else {
                path.append(path.isEmpty() ? "" : ".").append(step.getFieldName());
            }
        }
        return path.toString();
    }

    /** What a value of {@code type} looks like in JSON: {@code "a string"}, {@code "an array"}, … */
    public static String shape(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (CharSequence.class.isAssignableFrom(type) || type == char.class || type == Character.class) {
            return "a string";
        }
        if (type == UUID.class) {
            return "a UUID";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == int.class || type == long.class || type == short.class || type == Integer.class
                || type == Long.class || type == Short.class || type == BigInteger.class) {
            return "an integer";
        }
        if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(JsonProblems::wireName)
                    .collect(Collectors.joining(", "));
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return Map.class.isAssignableFrom(type) || !type.isInterface() ? "an object" : "of another type";
    }

    private static String wireName(Object constant) {
        Enum<?> value = (Enum<?>) constant;
        try {
            JsonProperty property = value.getDeclaringClass().getField(value.name()).getAnnotation(JsonProperty.class);
            return property == null || property.value().isEmpty() ? value.name() : property.value();
        } catch (NoSuchFieldException e) {
            return value.name();
        }
    }
}
