package dev.promptjuggler.gateway.service;

import java.util.UUID;

/**
 * Who asks for a run, as the request's API key says.
 *
 * @param apiKeyId           recorded with the run (usage per key)
 * @param defaultEnvironment the tenant's, for a run that names no environment
 */
public record RunRequester(UUID tenantId, UUID apiKeyId, String defaultEnvironment) {
}
