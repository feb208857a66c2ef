package dev.promptjuggler.contracts.prompt;

/** One message template of a prompt; {@code role} is {@code user} or {@code assistant}. */
public record PromptMessage(String role, String content) {
}
