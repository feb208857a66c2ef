package dev.promptjuggler.dispatcher.delivery;

import dev.promptjuggler.contracts.RunFinished;
import java.util.UUID;

/**
 * The body of {@code promptrun.finished} / {@code workflowrun.finished}: the SDK's {@code PromptRunFinished} /
 * {@code WorkflowRunFinished} ({@code id}, {@code status}) plus the {@code event} name receivers in the wild expect
 * (the SDKs' webhook payload models accept extra fields; the API reference asks for it). The run's revision travels
 * in {@code PromptJuggler-Revision-Id} and {@code -Version}.
 */
public record RunFinishedWebhook(String event, UUID id, String status) {

    public static RunFinishedWebhook of(RunFinished finished) {
        return new RunFinishedWebhook(finished.type(), finished.runId(), finished.status().wireName());
    }
}
