package dev.promptjuggler.gateway.service;

import dev.promptjuggler.contracts.RunKind;
import java.text.Normalizer;
import java.util.Locale;

/** Slugs are derived from names and carry their type's prefix: {@code pr_}, {@code wf_}, {@code kb_}. */
public final class Slugs {

    public static final String PROMPT = "pr_";
    public static final String WORKFLOW = "wf_";
    public static final String KNOWLEDGE_BASE = "kb_";

    /** The longest slug: as long as a path parameter may be. */
    public static final int MAX_LENGTH = 512;

    private Slugs() {
    }

    public static String prefix(RunKind kind) {
        return switch (kind) {
            case PROMPT -> PROMPT;
            case WORKFLOW -> WORKFLOW;
        };
    }

    /** {@code "Café Greeter 2"} with prefix {@code pr_} becomes {@code pr_cafe_greeter_2}. */
    public static String of(String prefix, String name) {
        String ascii = Normalizer.normalize(name, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        String body = ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (body.isEmpty()) {
            throw new IllegalArgumentException("name must contain a letter or digit");
        }
        // A name of 200 characters can spell a longer slug (NFKD turns one ligature into several letters);
        // a slug no path parameter may carry could never be addressed.
        if (prefix.length() + body.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("name spells a slug longer than " + MAX_LENGTH + " characters");
        }
        return prefix + body;
    }
}
