package dev.promptjuggler.executor.workflow;

/** Reading a node's settings, which arrive as parsed JSON. */
final class Settings {

    private Settings() {
    }

    static int integer(Object value, int otherwise) {
        return value instanceof Number number ? number.intValue() : otherwise;
    }

    /** A setting as text; a whole number without a fraction ({@code 3}, not {@code 3.0}). */
    static String text(Object value) {
        return value instanceof Number number && number.doubleValue() == number.longValue()
                ? String.valueOf(number.longValue()) : String.valueOf(value);
    }
}
