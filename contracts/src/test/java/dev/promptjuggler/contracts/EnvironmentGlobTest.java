package dev.promptjuggler.contracts;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EnvironmentGlobTest {

    @Test
    void noPatternMatchesEveryEnvironment() {
        assertTrue(EnvironmentGlob.matches(null, "production"));
    }

    @Test
    void starMatchesAnyRunQuestionMarkExactlyOneCharacter() {
        assertTrue(EnvironmentGlob.matches("prod*", "prod"));
        assertTrue(EnvironmentGlob.matches("prod*", "production"));
        assertFalse(EnvironmentGlob.matches("prod*", "preprod"));
        assertTrue(EnvironmentGlob.matches("eu-?", "eu-1"));
        assertFalse(EnvironmentGlob.matches("eu-?", "eu-12"));
        assertTrue(EnvironmentGlob.matches("staging", "staging"));
        assertFalse(EnvironmentGlob.matches("staging", "staging2"));
    }

    @Test
    void regexCharactersAreLiterals() {
        assertTrue(EnvironmentGlob.matches("a.b+(c)", "a.b+(c)"));
        assertFalse(EnvironmentGlob.matches("a.b", "axb"));
    }
}
