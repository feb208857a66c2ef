package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.persistence.EnvironmentVariableRepository.VariableRow;
import dev.promptjuggler.gateway.service.EnvironmentVariableService;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/manage/v1/environment-variables")
@Tag(name = "Environment variables (management)")
public class EnvironmentVariableManagementResource {

    private final EnvironmentVariableService variables;
    private final Caller caller;

    public EnvironmentVariableManagementResource(EnvironmentVariableService variables, Caller caller) {
        this.variables = variables;
        this.caller = caller;
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{key}")
    @Operation(summary = "Create a variable or replace its value (key and environment pattern identify it)."
            + " The value is write-only: stored encrypted, never returned")
    public Uni<VariableRow> put(@PathParam("key") String key, @Valid @NotNull PutVariable body) {
        return variables.put(caller.tenantId(), key, body.environment(), body.value());
    }

    @GET
    @Operation(summary = "List variables (keys and environment patterns, never values)")
    public Uni<List<VariableRow>> list() {
        return variables.list(caller.tenantId());
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a variable")
    public Uni<Void> delete(@PathParam("id") String id) {
        return variables.delete(caller.tenantId(), PathParams.uuid(id, "id", "environment variable"));
    }

    /** @param environment glob over the run's environment (prod*, eu-?); absent = every environment */
    public record PutVariable(@NotNull @Size(max = 65536) String value, @Size(max = 200) String environment) {
    }
}
