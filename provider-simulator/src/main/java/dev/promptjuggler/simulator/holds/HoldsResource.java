package dev.promptjuggler.simulator.holds;

import dev.promptjuggler.simulator.shared.ScriptedHolds;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;

/**
 * Simulator-only: requests held open, and whether their clients closed the connection; not part of any provider's
 * API.
 *
 * <ul>
 *   <li>{@code POST /__simulator/holds} {@code {"contains": "...", "ms": 600000}} holds every request whose last user
 *       text contains the text for that long before answering (204; {@code ms} defaults to an hour)</li>
 *   <li>{@code GET /__simulator/holds} returns {@code {"held": n, "closedByClient": m}}: requests held now, and held
 *       requests whose client closed the connection before the answer</li>
 *   <li>{@code DELETE /__simulator/holds} removes every rule and zeroes {@code closedByClient} (204)</li>
 * </ul>
 */
@Path("/__simulator/holds")
public class HoldsResource {

    private static final long HOUR_MS = Duration.ofHours(1).toMillis();

    private final ScriptedHolds holds;

    public HoldsResource(ScriptedHolds holds) {
        this.holds = holds;
    }

    /** @param contains a substring of the last user text of the requests to hold */
    public record Hold(@NotNull @NotEmpty String contains, @Min(0) @Max(3_600_000) Long ms) {
    }

    @POST
    @NonBlocking
    @Consumes(MediaType.APPLICATION_JSON)
    public void add(@Valid @NotNull Hold hold) {
        holds.add(hold.contains(), Duration.ofMillis(hold.ms() == null ? HOUR_MS : hold.ms()));
    }

    @GET
    @NonBlocking
    @Produces(MediaType.APPLICATION_JSON)
    public ScriptedHolds.Status status() {
        return holds.status();
    }

    @DELETE
    @NonBlocking
    public void clear() {
        holds.clear();
    }
}
