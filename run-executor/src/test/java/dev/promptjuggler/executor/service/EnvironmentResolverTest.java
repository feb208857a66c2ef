package dev.promptjuggler.executor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.promptjuggler.executor.persistence.VariableStore.StoredVariable;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EnvironmentResolverTest {

    @Test
    void anExactEnvironmentBeatsAGlobBeatsNoPattern() {
        var stored = List.of(new StoredVariable("K", "prod", "x"), new StoredVariable("K", null, "x"),
                new StoredVariable("K", "prod*", "x"), new StoredVariable("K", "eu-?", "x"));

        String order = stored.stream()
                .sorted(java.util.Comparator.comparingInt(EnvironmentResolver::specificity))
                .map(variable -> String.valueOf(variable.environment()))
                .collect(Collectors.joining(","));

        assertEquals("null,prod*,eu-?,prod", order);
    }
}
