package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.persistence.ThreadRepository.MessageRow;
import dev.promptjuggler.gateway.persistence.ThreadRepository.ThreadRunRow;
import dev.promptjuggler.gateway.service.ThreadService;
import dev.promptjuggler.gateway.service.ThreadService.ThreadContents;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

/** A thread's runs and memory, its memory also a page at a time; forking it at a message; erasing it. */
@Path("/manage/v1/threads")
@Tag(name = "Threads (management)")
public class ThreadManagementResource {

    private static final Set<String> MESSAGE_PARAMETERS = Set.of("channel", "before", "limit");
    private static final int MAX_MESSAGES = 500;

    private final ThreadService threads;
    private final Caller caller;

    public ThreadManagementResource(ThreadService threads, Caller caller) {
        this.threads = threads;
        this.caller = caller;
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "The thread: its runs (id, kind, channel, status, created) in accepted order and its memory"
            + " per channel")
    @APIResponse(responseCode = "200", description = "The thread", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ThreadView.class)))
    @APIResponse(responseCode = "410", description = "thread 6f1c2a8e-41a4-4b7e-9a55-3f0c1d2e8b90 was erased")
    public Uni<ThreadView> get(@PathParam("id") String id) {
        return threads.read(caller.tenantId(), PathParams.uuid(id, "id", "thread")).map(ThreadView::of);
    }

    /** The query parameters are declared for the OpenAPI document; they are read through {@link QueryParameters}. */
    @GET
    @Path("/{id}/messages")
    @Operation(summary = "The thread's memory a page at a time, as a chat shows it: the newest messages (of one channel,"
            + " or of every channel), oldest first; nextBefore asks for the page before. An unknown parameter or a bad"
            + " value is a 400 naming it")
    @APIResponse(responseCode = "200", description = "A page of messages", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MessagePage.class)))
    @APIResponse(responseCode = "410", description = "thread 6f1c2a8e-41a4-4b7e-9a55-3f0c1d2e8b90 was erased")
    public Uni<MessagePage> messages(@PathParam("id") String id, @Context UriInfo uri,
            @Parameter(description = "only this channel's messages (a run that names none has channel default)")
            @QueryParam("channel") String channel,
            @Parameter(description = "a message id: only messages written before it (a page's nextBefore)")
            @QueryParam("before") String before,
            @Parameter(description = "messages per page, 1 to " + MAX_MESSAGES + ", default 50") @QueryParam("limit")
            String limit) {
        QueryParameters query = new QueryParameters(uri.getQueryParameters(), MESSAGE_PARAMETERS, name -> false);
        String onlyChannel = query.single("channel");
        if (onlyChannel != null && onlyChannel.isEmpty()) {
            throw QueryParameters.badRequest("channel must not be empty");
        }
        return threads.messages(caller.tenantId(), PathParams.uuid(id, "id", "thread"), onlyChannel,
                        query.positiveLong("before", "a message id (a page's nextBefore)"),
                        query.integer("limit", 1, MAX_MESSAGES, 50))
                .map(MessagePage::of);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{id}/fork")
    @ResponseStatus(201)
    @APIResponse(responseCode = "201", description = "The new thread, holding the memory up to the message",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ThreadView.class)))
    @APIResponse(responseCode = "410", description = "thread 6f1c2a8e-41a4-4b7e-9a55-3f0c1d2e8b90 was erased")
    @Operation(summary = "A new thread holding this thread's memory (every channel) up to and including a message;"
            + " runs may then continue it by naming it as their thread")
    public Uni<ThreadView> fork(@PathParam("id") String id, @Valid @NotNull ForkThread body) {
        return threads.fork(caller.tenantId(), PathParams.uuid(id, "id", "thread"), body.upToMessage())
                .map(ThreadView::of);
    }

    @DELETE
    @Path("/{id}")
    @ResponseStatus(204)
    @APIResponse(responseCode = "204", description = "Erased (also when it already was)")
    @APIResponse(responseCode = "409", description = "thread 6f1c2a8e-41a4-4b7e-9a55-3f0c1d2e8b90 has runs that have"
            + " not ended; erase it once they have")
    @Operation(summary = "Erase the thread: its memory and its runs' inputs, metadata, outputs, transcripts and node"
            + " results; the run ids stay as tombstones (410) with their usage and cost")
    public Uni<Void> erase(@PathParam("id") String id) {
        return threads.erase(caller.tenantId(), PathParams.uuid(id, "id", "thread"));
    }

    /** @param upToMessage the {@code id} of a message in the thread's {@code memory} */
    public record ForkThread(@NotNull Long upToMessage) {
    }

    /**
     * @param runs   in the order they were accepted
     * @param memory per channel (a run that names none has channel {@code default}), oldest message first
     */
    public record ThreadView(UUID id, OffsetDateTime createdAt, List<ThreadRun> runs,
            Map<String, List<MemoryMessage>> memory) {

        static ThreadView of(ThreadContents contents) {
            Map<String, List<MemoryMessage>> memory = new LinkedHashMap<>();
            for (MessageRow message : contents.memory()) {
                memory.computeIfAbsent(message.channel(), channel -> new ArrayList<>())
                        .add(MemoryMessage.of(message));
            }
            return new ThreadView(contents.thread().id(), contents.thread().createdAt(),
                    contents.runs().stream().map(ThreadRun::of).toList(), memory);
        }
    }

    /** @param kind {@code prompt} or {@code workflow} */
    public record ThreadRun(UUID id, String kind, String channel, String status, OffsetDateTime createdAt) {

        static ThreadRun of(ThreadRunRow row) {
            return new ThreadRun(row.id(), row.kind(), row.channel(), row.status(), row.createdAt());
        }
    }

    /**
     * @param messages   oldest first
     * @param nextBefore the {@code before} of the page of older messages; null when there are none
     */
    public record MessagePage(List<ThreadMessage> messages, Long nextBefore) {

        static MessagePage of(ThreadService.MessagePage page) {
            return new MessagePage(page.messages().stream().map(ThreadMessage::of).toList(), page.nextBefore());
        }
    }

    /**
     * @param id      the message's id, what a fork's {@code upToMessage} and a page's {@code before} name
     * @param channel the lane it was written in
     * @param role    {@code user} or {@code assistant}
     * @param runId   the run that wrote it
     */
    public record ThreadMessage(long id, String channel, String role, String content, UUID runId,
            OffsetDateTime createdAt) {

        static ThreadMessage of(MessageRow row) {
            return new ThreadMessage(row.id(), row.channel(), row.role(), row.content(), row.runId(), row.createdAt());
        }
    }

    /**
     * @param id    the message's id, what a fork's {@code upToMessage} names
     * @param role  {@code user} or {@code assistant}
     * @param runId the run that wrote it
     */
    public record MemoryMessage(long id, String role, String content, UUID runId, OffsetDateTime createdAt) {

        static MemoryMessage of(MessageRow row) {
            return new MemoryMessage(row.id(), row.role(), row.content(), row.runId(), row.createdAt());
        }
    }
}
