package dev.promptjuggler.executor.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.executor.llm.ChatMessage;
import dev.promptjuggler.executor.support.TestPlatform;
import dev.promptjuggler.executor.support.TwoSlots;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The bounded history window over the real database: the latest messages of the lane, oldest first. */
@QuarkusTest
@TestProfile(TwoSlots.class)
class MemoryStoreTest {

    @Inject
    MemoryStore memory;

    @Test
    void aReadingPromptSeesOnlyTheLatestMessagesOfItsLaneOldestFirst() {
        var prompt = TestPlatform.prompt();
        UUID thread = TestPlatform.thread(prompt);
        UUID run = TestPlatform.storeRun(prompt, Priority.NORMAL, "x", thread, "default");
        for (int turn = 1; turn <= 3; turn++) {
            remember(thread, "default", run, "user", "question " + turn);
            remember(thread, "default", run, "assistant", "answer " + turn);
        }
        remember(thread, "other", run, "user", "elsewhere");

        List<ChatMessage> window = memory.history(thread, "default", 3).await().atMost(Duration.ofSeconds(10));

        assertEquals(List.of(new ChatMessage.Assistant("answer 2"), new ChatMessage.User("question 3"),
                new ChatMessage.Assistant("answer 3")), window);
        assertEquals(List.of(new ChatMessage.User("elsewhere")),
                memory.history(thread, "other", 40).await().atMost(Duration.ofSeconds(10)));
    }

    private static void remember(UUID thread, String channel, UUID run, String role, String content) {
        TestPlatform.update("INSERT INTO executor.thread_messages (thread_id, channel, run_id, role, content)"
                + " VALUES (?, ?, ?, ?, ?)", thread, channel, run, role, content);
    }
}
