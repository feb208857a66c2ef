package dev.promptjuggler.gateway.api;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A run may name a thread id no one has used yet: it becomes the caller's thread, and only theirs. */
@QuarkusTest
class ClientChosenThreadTest {

    @Inject
    Pool pool;

    private String owner;
    private String ownersSlug;
    private String stranger;
    private String strangersSlug;

    @BeforeEach
    void twoTenants() {
        owner = Api.newTenant();
        ownersSlug = Api.createPrompt(owner, "Chosen thread", Api.promptDraft("Say {{x}}"));
        Api.publish(owner, "prompts", ownersSlug);
        stranger = Api.newTenant();
        strangersSlug = Api.createPrompt(stranger, "Chosen thread", Api.promptDraft("Say {{x}}"));
        Api.publish(stranger, "prompts", strangersSlug);
    }

    @Test
    void aNewThreadIdIsCreatedForTheCallerAndContinuedAfterwards() {
        UUID thread = UUID.randomUUID();
        String first = run(owner, ownersSlug, thread).then().statusCode(200)
                .body("thread", equalTo(thread.toString())).extract().path("id");
        String second = run(owner, ownersSlug, thread).then().statusCode(200)
                .body("thread", equalTo(thread.toString())).extract().path("id");

        Api.as(owner).get("/api/v1/promptruns/{id}", first).then().statusCode(200);
        assertEquals(List.of(thread, thread), List.of(threadOf(first), threadOf(second)));
    }

    @Test
    void anotherTenantsThreadIsNotFoundAndNothingIsStored() {
        UUID thread = UUID.randomUUID();
        run(owner, ownersSlug, thread).then().statusCode(200);
        long runsBefore = runsOn(thread);

        run(stranger, strangersSlug, thread).then().statusCode(404)
                .body("error", equalTo("thread " + thread + " not found"));
        assertEquals(runsBefore, runsOn(thread));
    }

    @Test
    void twoTenantsNamingTheSameNewThreadAtOnceNeverShareIt() throws Exception {
        ExecutorService pair = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 15; round++) {
                UUID thread = UUID.randomUUID();
                var barrier = new CyclicBarrier(2);
                Callable<Integer> asOwner = () -> {
                    barrier.await();
                    return run(owner, ownersSlug, thread).statusCode();
                };
                Callable<Integer> asStranger = () -> {
                    barrier.await();
                    return run(stranger, strangersSlug, thread).statusCode();
                };
                List<Future<Integer>> answers = new ArrayList<>(List.of(pair.submit(asOwner), pair.submit(asStranger)));
                int ownerStatus = answers.get(0).get();
                int strangerStatus = answers.get(1).get();

                assertTrue(ownerStatus == 200 && strangerStatus == 404 || ownerStatus == 404 && strangerStatus == 200,
                        "round " + round + ": exactly one tenant gets the thread, got " + ownerStatus + " and "
                                + strangerStatus);
                var rows = pool.preparedQuery("SELECT DISTINCT r.tenant_id = t.tenant_id AS same"
                                + " FROM gateway.runs r JOIN gateway.threads t ON t.id = r.thread_id WHERE r.thread_id = $1")
                        .execute(Tuple.of(thread)).await().indefinitely();
                assertEquals(1, rows.size(), "one run on the thread");
                assertTrue(rows.iterator().next().getBoolean("same"), "the run's tenant owns the thread");
            }
        } finally {
            pair.shutdownNow();
        }
    }

    private static io.restassured.response.Response run(String key, String slug, UUID thread) {
        return Api.as(key).body(Map.of("inputs", Map.of("x", "1"), "thread", thread.toString()))
                .post("/api/v1/prompts/{slug}/1/runs", slug);
    }

    private UUID threadOf(String runId) {
        return pool.preparedQuery("SELECT thread_id FROM gateway.runs WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(runId))).await().indefinitely().iterator().next().getUUID("thread_id");
    }

    private long runsOn(UUID thread) {
        return pool.preparedQuery("SELECT count(*) AS n FROM gateway.runs WHERE thread_id = $1")
                .execute(Tuple.of(thread)).await().indefinitely().iterator().next().getLong("n");
    }
}
