package dev.promptjuggler.executor.support;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The provider simulator as a separate process on a free port: the packaged
 * {@code provider-simulator/target/quarkus-app/quarkus-run.jar}, which the reactor builds before this module
 * (run-executor declares it as a test-scoped POM dependency for exactly that order). Plus its
 * {@code /__simulator} endpoints.
 */
public final class SimulatorProcess implements AutoCloseable {

    private static final Path JAR = Path.of("../provider-simulator/target/quarkus-app/quarkus-run.jar");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final int port;
    /** Ends the process with the test JVM when nothing closed it first (a test resource whose stop never came). */
    private final Thread reaper;

    private SimulatorProcess(Process process, int port) {
        this.process = process;
        this.port = port;
        this.reaper = new Thread(process::destroyForcibly, "simulator-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    public static SimulatorProcess start() throws IOException, InterruptedException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: build with"
                    + " ./mvnw -pl run-executor -am verify (or package provider-simulator first)");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile("provider-simulator", ".log");
        Process process = new ProcessBuilder(javaBinary(), "-Xmx128m", "-Dquarkus.http.port=" + port,
                "-jar", JAR.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        SimulatorProcess simulator = new SimulatorProcess(process, port);
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the simulator exited; its output: " + Files.readString(log));
            }
            try {
                if (simulator.send("GET", "/q/health/ready", null).statusCode() == 200) {
                    return simulator;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        simulator.close();
        throw new IllegalStateException("the simulator did not start within 60 s; its output: " + Files.readString(log));
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + File.separator + "bin"
                + File.separator + "java");
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code GET /__simulator/calls} as JSON text. */
    public String calls() throws IOException, InterruptedException {
        return send("GET", "/__simulator/calls", null).body();
    }

    /** {@code GET /__simulator/failures} as JSON text. */
    public String failures() throws IOException, InterruptedException {
        return send("GET", "/__simulator/failures", null).body();
    }

    /** Scripts failures for requests whose last user text contains {@code contains}. */
    public void scriptFailures(String scriptJson) throws IOException, InterruptedException {
        HttpResponse<String> response = send("POST", "/__simulator/failures", scriptJson);
        if (response.statusCode() != 204) {
            throw new IllegalStateException("scripting failures gave " + response.statusCode() + ": " + response.body());
        }
    }

    /** Holds every request whose last user text contains {@code contains} (an hour) until its client gives up. */
    public void hold(String contains) throws IOException, InterruptedException {
        HttpResponse<String> response = send("POST", "/__simulator/holds", "{\"contains\":\"" + contains + "\"}");
        if (response.statusCode() != 204) {
            throw new IllegalStateException("holding gave " + response.statusCode() + ": " + response.body());
        }
    }

    /** {@code GET /__simulator/holds} as JSON text: {@code {"held": n, "closedByClient": m}}. */
    public String holds() throws IOException, InterruptedException {
        return send("GET", "/__simulator/holds", null).body();
    }

    public void reset() throws IOException, InterruptedException {
        send("DELETE", "/__simulator/calls", null);
        send("DELETE", "/__simulator/failures", null);
        send("DELETE", "/__simulator/holds", null);
    }

    private HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(10));
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook ends the process
        }
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
