package dev.promptjuggler.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.ws.rs.core.Response;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * How failures the reactive PostgreSQL client reports during a restart or failover are answered (a live
 * restart is not something a test can do to the shared database; DatabaseUnavailableTest covers a refused
 * connection end to end).
 */
class ErrorMappersTest {

    private final ErrorMappers mappers = new ErrorMappers();

    @ParameterizedTest
    @ValueSource(strings = {"57P01", "57P02", "57P03", "08006", "08001", "53300"})
    void aServerThatCannotServeNowIs503WithRetryAfter(String sqlState) {
        Response response = mappers.unexpected(new PgException("the database system is shutting down", "FATAL", sqlState, null));

        assertEquals(503, response.getStatus());
        assertEquals("5", response.getHeaderString("Retry-After"));
        assertEquals(new ErrorResponse("the database is unavailable, try again shortly"), response.getEntity());
    }

    @Test
    void aRefusedOrLostConnectionAndAnExhaustedPoolAre503() {
        for (Throwable failure : new Throwable[] {new ConnectException("Connection refused: /127.0.0.1:5432"),
                ClosedConnectionException.INSTANCE, new TimeoutException("Timeout waiting for connection"),
                new IllegalStateException("wrapped", new java.net.SocketException("Connection reset")),
                // How a connection PostgreSQL dropped in a restart surfaced under load: NIO's plain IOException.
                new java.io.IOException("Connection reset by peer"),
                // A pooled connection the server closed during a restart, used before the pool noticed.
                new io.vertx.core.impl.NoStackTraceThrowable("Connection is not active now, current status: CLOSED")}) {
            assertEquals(503, mappers.unexpected(failure).getStatus(), failure.toString());
        }
    }

    @Test
    void anyOtherFailureIs500WithoutDetails() {
        for (Throwable failure : new Throwable[] {new PgException("duplicate key", "ERROR", "23505", null),
                new IllegalStateException("a bug"), new TimeoutException("no answer from Kafka")}) {
            Response response = mappers.unexpected(failure);

            assertEquals(500, response.getStatus(), failure.toString());
            assertEquals(new ErrorResponse("internal error"), response.getEntity());
        }
    }
}
