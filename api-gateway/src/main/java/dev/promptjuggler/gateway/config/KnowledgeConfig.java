package dev.promptjuggler.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Knowledge bases as the gateway serves them: upload limits and where knowledge-ingest answers searches. */
@ConfigMapping(prefix = "knowledge")
public interface KnowledgeConfig {

    /**
     * Largest accepted file, in bytes (16 MiB). A larger file is refused with 413 naming it; the whole
     * request must also fit {@code quarkus.http.limits.max-body-size}.
     */
    @WithDefault("16777216")
    long maxFileBytes();

    /** Most files one upload request may carry. */
    @WithDefault("20")
    int maxFilesPerUpload();

    /** Base URL of knowledge-ingest's internal HTTP API (vector search). */
    @WithDefault("http://127.0.0.1:18083")
    String ingestUrl();

    /** How long a search may take before the gateway answers 503. */
    @WithDefault("10s")
    Duration searchTimeout();
}
