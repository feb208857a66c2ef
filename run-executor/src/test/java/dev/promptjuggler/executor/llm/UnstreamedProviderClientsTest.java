package dev.promptjuggler.executor.llm;

import org.junit.jupiter.api.BeforeAll;

/**
 * The same calls with streaming off ({@code providers.<name>.stream=false}): answers read whole give the same turns,
 * usage, tool calls and failures.
 */
class UnstreamedProviderClientsTest extends ProviderClientsTest {

    @BeforeAll
    static void start() throws Exception {
        start(false);
    }
}
