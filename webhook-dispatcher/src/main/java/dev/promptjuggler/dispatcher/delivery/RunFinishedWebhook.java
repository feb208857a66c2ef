package dev.promptjuggler.dispatcher.delivery;

import dev.promptjuggler.contracts.RunFinished;
import java.util.UUID;

/**
 * The body of {@code promptrun.finished} / {@code workflowrun.finished}: exactly the SDK's
 * {@code PromptRunFinished} / {@code WorkflowRunFinished} ({@code id}, {@code status}), which SDKs decoding with
 * unknown fields refused accept. The event name travels in {@code PromptJuggler-Event}, the run's revision in
 * {@code PromptJuggler-Revision-Id} and {@code -Version}.
 */
public record RunFinishedWebhook(UUID id, String status) {

    public static RunFinishedWebhook of(RunFinished finished) {
        return new RunFinishedWebhook(finished.runId(), finished.status().wireName());
    }
}
