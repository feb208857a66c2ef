package dev.promptjuggler.gateway.api;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFilter;

/**
 * Has {@code /q/openapi} write the document when it is asked for, not at every start. Without a filter of this stage
 * Quarkus writes the whole document as JSON and as YAML while the gateway starts, on the start's thread and with the
 * JIT compiler busy on the writers; with one, it keeps the document's model and writes it for each request, which only
 * tools and people reading the API make. It changes nothing in the document ({@link OpenApiContract} completes it once).
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_PER_REQUEST)
public class OpenApiWrittenOnRequest implements OASFilter {
}
