package dev.promptjuggler.gateway.api;

import java.util.UUID;

/** Which published revision a run resolved to; an extra field on run reads. */
public record RevisionRef(UUID id, int version) {
}
