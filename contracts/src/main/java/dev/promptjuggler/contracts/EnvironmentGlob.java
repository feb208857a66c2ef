package dev.promptjuggler.contracts;

import java.util.regex.Pattern;

/**
 * The environment patterns of webhook endpoints and environment variables: {@code *} matches any run of
 * characters, {@code ?} exactly one, everything else itself. No pattern matches every environment.
 */
public final class EnvironmentGlob {

    private EnvironmentGlob() {
    }

    public static boolean matches(String pattern, String environment) {
        if (pattern == null) {
            return true;
        }
        if (environment == null) {
            return false;
        }
        return toRegex(pattern).matcher(environment).matches();
    }

    private static Pattern toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String literal : glob.split("(?=[*?])|(?<=[*?])")) {
            switch (literal) {
                case "*" -> regex.append(".*");
                case "?" -> regex.append('.');
                default -> regex.append(Pattern.quote(literal));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
