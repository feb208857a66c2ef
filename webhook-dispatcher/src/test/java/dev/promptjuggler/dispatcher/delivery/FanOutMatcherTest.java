package dev.promptjuggler.dispatcher.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.dispatcher.delivery.FanOutMatcher.Endpoint;
import dev.promptjuggler.dispatcher.delivery.FanOutMatcher.Match;
import dev.promptjuggler.dispatcher.delivery.FanOutMatcher.Start;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FanOutMatcherTest {

    private static final OffsetDateTime NOW = OffsetDateTime.of(2026, 12, 3, 12, 0, 0, 0, ZoneOffset.UTC);
    private static final UUID TENANT = UUID.randomUUID();

    private static FinishedEvent run(String environment) {
        return new FinishedEvent(UUID.randomUUID(), TENANT, "run.finished", environment, "{}", null, null);
    }

    private static FinishedEvent knowledge() {
        return new FinishedEvent(UUID.randomUUID(), TENANT, "knowledgebase.finished", null, "{}", null, null);
    }

    /** Switched on, no filter, no glob, healthy, idle. */
    private static Endpoint endpoint() {
        return new Endpoint(UUID.randomUUID(), TENANT, null, List.of(), true, false, false, null, 0, "https://hooks.example",
                List.of("secret"));
    }

    private static Endpoint withTenant(Endpoint e, UUID tenant) {
        return new Endpoint(e.id(), tenant, e.environment(), e.events(), e.enabled(), e.disabled(), e.circuitOpen(),
                e.pausedUntil(), e.sending(), e.url(), e.secrets());
    }

    private static Endpoint withEnvironment(Endpoint e, String glob) {
        return new Endpoint(e.id(), e.tenantId(), glob, e.events(), e.enabled(), e.disabled(), e.circuitOpen(),
                e.pausedUntil(), e.sending(), e.url(), e.secrets());
    }

    private static Endpoint withEvents(Endpoint e, String... events) {
        return new Endpoint(e.id(), e.tenantId(), e.environment(), List.of(events), e.enabled(), e.disabled(),
                e.circuitOpen(), e.pausedUntil(), e.sending(), e.url(), e.secrets());
    }

    private static Endpoint switchedOff(Endpoint e) {
        return new Endpoint(e.id(), e.tenantId(), e.environment(), e.events(), false, e.disabled(), e.circuitOpen(),
                e.pausedUntil(), e.sending(), e.url(), e.secrets());
    }

    private static Endpoint disabled(Endpoint e) {
        return new Endpoint(e.id(), e.tenantId(), e.environment(), e.events(), e.enabled(), true, e.circuitOpen(),
                e.pausedUntil(), e.sending(), e.url(), e.secrets());
    }

    private static Endpoint circuitOpen(Endpoint e) {
        return new Endpoint(e.id(), e.tenantId(), e.environment(), e.events(), e.enabled(), e.disabled(), true,
                e.pausedUntil(), e.sending(), e.url(), e.secrets());
    }

    private static Endpoint pausedUntil(Endpoint e, OffsetDateTime until) {
        return new Endpoint(e.id(), e.tenantId(), e.environment(), e.events(), e.enabled(), e.disabled(), e.circuitOpen(),
                until, e.sending(), e.url(), e.secrets());
    }

    private static Endpoint sending(Endpoint e, int inFlight) {
        return new Endpoint(e.id(), e.tenantId(), e.environment(), e.events(), e.enabled(), e.disabled(), e.circuitOpen(),
                e.pausedUntil(), inFlight, e.url(), e.secrets());
    }

    /** One event, one endpoint, plenty of room: how its delivery starts, or null when it gets none. */
    private static Start start(FinishedEvent event, Endpoint endpoint) {
        List<Match> matches = FanOutMatcher.match(List.of(event), List.of(endpoint), 10, 10, NOW);
        assertTrue(matches.size() <= 1);
        return matches.isEmpty() ? null : matches.get(0).start();
    }

    @Test
    void anEndpointOfAnotherTenantGetsNothing() {
        assertEquals(null, start(run("production"), withTenant(endpoint(), UUID.randomUUID())));
        assertEquals(Start.SEND_NOW, start(run("production"), endpoint()));
    }

    @Test
    void anEmptyEventFilterTakesEveryTypeAndAnotherOnlyTheTypesItNames() {
        assertTrue(FanOutMatcher.gets(endpoint(), run("production")));
        assertTrue(FanOutMatcher.gets(endpoint(), knowledge()));
        Endpoint runsOnly = withEvents(endpoint(), "run.finished", "knowledgedocument.finished");
        assertTrue(FanOutMatcher.gets(runsOnly, run("production")));
        assertFalse(FanOutMatcher.gets(runsOnly, knowledge()));
    }

    @Test
    void noEnvironmentGlobTakesEveryEnvironmentAndAGlobOnlyTheOnesItMatches() {
        assertTrue(FanOutMatcher.gets(endpoint(), run("staging")));
        assertTrue(FanOutMatcher.gets(withEnvironment(endpoint(), "prod*"), run("production")));
        assertFalse(FanOutMatcher.gets(withEnvironment(endpoint(), "prod*"), run("staging")));
        assertTrue(FanOutMatcher.gets(withEnvironment(endpoint(), "dev-?"), run("dev-1")));
        assertFalse(FanOutMatcher.gets(withEnvironment(endpoint(), "dev-?"), run("dev-12")));
        assertFalse(FanOutMatcher.gets(withEnvironment(endpoint(), "production"), run("production-eu")));
    }

    @Test
    void anEventWithoutEnvironmentReachesOnlyEndpointsWithoutAGlob() {
        assertTrue(FanOutMatcher.gets(endpoint(), knowledge()));
        assertFalse(FanOutMatcher.gets(withEnvironment(endpoint(), "*"), knowledge()));
    }

    @Test
    void anEndpointItsOwnerSwitchedOffGetsNothingNotEvenAMissedDelivery() {
        assertFalse(FanOutMatcher.gets(switchedOff(endpoint()), run("production")));
        assertEquals(null, start(run("production"), switchedOff(disabled(endpoint()))));
    }

    @Test
    void anEndpointTheDispatcherDisabledGetsItsDeliveryAsMissedWithoutTakingRoom() {
        Endpoint gone = disabled(endpoint());
        Endpoint healthy = endpoint();

        List<Match> matches = FanOutMatcher.match(List.of(run("production")), List.of(gone, healthy), 1, 10, NOW);

        assertEquals(List.of(Start.MISSED, Start.SEND_NOW), matches.stream().map(Match::start).toList());
        assertEquals(List.of(gone, healthy), matches.stream().map(Match::endpoint).toList());
    }

    @Test
    void anOpenCircuitOrAPauseStillAheadQueuesTheDelivery() {
        assertEquals(Start.QUEUE, start(run("production"), circuitOpen(endpoint())));
        assertEquals(Start.QUEUE, start(run("production"), pausedUntil(endpoint(), NOW.plusSeconds(1))));
        assertEquals(Start.SEND_NOW, start(run("production"), pausedUntil(endpoint(), NOW)), "the pause ends at its time");
        assertEquals(Start.SEND_NOW, start(run("production"), pausedUntil(endpoint(), NOW.minusMinutes(5))));
    }

    @Test
    void anEndpointTakesNoMoreAtOnceThanItsInFlightLimitCountingWhatItHasAlready() {
        Endpoint busy = sending(endpoint(), 2);

        List<Match> matches = FanOutMatcher.match(List.of(run("a"), run("b"), run("c")), List.of(busy), 10, 3, NOW);

        assertEquals(List.of(Start.SEND_NOW, Start.QUEUE, Start.QUEUE), matches.stream().map(Match::start).toList());
        assertEquals(Start.QUEUE, FanOutMatcher.match(List.of(run("a")), List.of(sending(endpoint(), 5)), 10, 3, NOW)
                .get(0).start(), "more in flight than the limit (the limit was lowered) is no room");
    }

    @Test
    void thisDispatchersRoomGoesToEventsInOrderThenEndpointsInOrder() {
        Endpoint first = endpoint();
        Endpoint second = endpoint();
        FinishedEvent earlier = run("production");
        FinishedEvent later = run("production");

        List<Match> matches = FanOutMatcher.match(List.of(earlier, later), List.of(first, second), 3, 10, NOW);

        assertEquals(List.of(earlier, earlier, later, later), matches.stream().map(Match::event).toList());
        assertEquals(List.of(first, second, first, second), matches.stream().map(Match::endpoint).toList());
        assertEquals(List.of(Start.SEND_NOW, Start.SEND_NOW, Start.SEND_NOW, Start.QUEUE),
                matches.stream().map(Match::start).toList());
        assertEquals(List.of(Start.QUEUE), FanOutMatcher.match(List.of(earlier), List.of(first), 0, 10, NOW).stream()
                .map(Match::start).toList(), "no room: queued");
    }
}
