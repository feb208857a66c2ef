package dev.promptjuggler.gateway.promptly.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The chunks a streaming client stitches: appended only, so they always join to the beginning of the output. */
class LiveOutputTest {

    private final List<String> chunks = new ArrayList<>();

    @Test
    void tokensFollowThePrefixAndTheEndSendsTheRest() {
        var live = new LiveOutput("Title: ");
        live.reset();
        live.token("Hola ");
        live.attach(chunks::add);
        live.token("mundo");
        assertEquals(List.of("Title: Hola ", "mundo"), chunks, "chunks made before the client was there wait for it");
        assertEquals(Optional.of("\n"), live.finish("Title: Hola mundo\n"));
    }

    @Test
    void aRetrySendsOnlyWhatGoesBeyondTheFirstAttempt() {
        var live = new LiveOutput("");
        live.attach(chunks::add);
        live.reset();
        live.token("one ");
        live.token("two ");
        live.reset();
        live.token("one ");
        live.token("two ");
        live.token("three");
        assertEquals(List.of("one ", "two ", "three"), chunks);
        assertEquals(Optional.empty(), live.finish("one two three"));
    }

    @Test
    void aRetryThatWritesSomethingElseStopsTheStreamAndAddsNothingThatWouldNotJoin() {
        var live = new LiveOutput("");
        live.attach(chunks::add);
        live.token("one ");
        live.reset();
        live.token("uno ");
        live.token("dos");
        assertEquals(List.of("one "), chunks);
        assertEquals(Optional.empty(), live.finish("uno dos"));
    }

    @Test
    void withNothingStreamedTheWholeOutputComesAtTheEnd() {
        var live = new LiveOutput("");
        live.attach(chunks::add);
        assertEquals(Optional.of("all of it"), live.finish("all of it"));
    }
}
