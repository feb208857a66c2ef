package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.persistence.TenantRepository;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The tenant's retention period: how long its runs, threads, memory and uploaded document bytes are kept. */
@Path("/manage/v1/retention")
@Tag(name = "Retention (management)")
public class RetentionResource {

    private final TenantRepository tenants;
    private final Caller caller;

    public RetentionResource(TenantRepository tenants, Caller caller) {
        this.tenants = tenants;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "The tenant's retention period in days; null keeps everything (the default)")
    public Uni<RetentionSetting> get() {
        return tenants.retentionDays(caller.tenantId()).map(days -> new RetentionSetting(days.orElse(null)));
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the retention period: runs, threads, memory and uploaded document bytes older than"
            + " this many days are pruned; null (or absent) turns it off")
    public Uni<RetentionSetting> put(@Valid @NotNull RetentionSetting body) {
        return tenants.setRetentionDays(caller.tenantId(), body.days()).replaceWith(body);
    }

    /** @param days 1 to 36500; null keeps everything */
    public record RetentionSetting(@Min(1) @Max(36500) Integer days) {
    }
}
