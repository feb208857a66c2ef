package bench.executor;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** What the harness watches besides the database: the executor's gauges and the CPU time of each process. */
final class Probes {

    private Probes() {
    }

    /** One reading of the executor's gauges; time in microseconds since the epoch. */
    record Gauges(long at, double inFlight, double waitingOnsite, double waitingNormal, double waitingLow,
            double lowerLimit) {
    }

    /** Reads {@code /q/metrics} every {@code periodMillis} on its own thread until stopped. */
    static final class GaugeSampler implements AutoCloseable {

        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final URI metrics;
        private final List<Gauges> samples = new ArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;

        GaugeSampler(String metricsUrl, long periodMillis) {
            this.metrics = URI.create(metricsUrl);
            thread = new Thread(() -> {
                while (running) {
                    try {
                        Gauges gauges = read();
                        synchronized (samples) {
                            samples.add(gauges);
                        }
                        Thread.sleep(periodMillis);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // A missed sample is only a gap in the series.
                    }
                }
            }, "gauge-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        private Gauges read() throws IOException, InterruptedException {
            String body = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            double inFlight = 0;
            double lowerLimit = 0;
            Map<String, Double> waiting = new LinkedHashMap<>();
            for (String line : body.split("\n")) {
                if (line.startsWith("executor_runs_in_flight ")) {
                    inFlight = value(line);
                } else if (line.startsWith("executor_scheduling_lower_limit ")) {
                    lowerLimit = value(line);
                } else if (line.startsWith("executor_runs_waiting{")) {
                    int start = line.indexOf("priority=\"") + 10;
                    waiting.put(line.substring(start, line.indexOf('"', start)), value(line));
                }
            }
            long now = System.currentTimeMillis() * 1000;
            return new Gauges(now, inFlight, waiting.getOrDefault("onsite", 0.0), waiting.getOrDefault("normal", 0.0),
                    waiting.getOrDefault("low", 0.0), lowerLimit);
        }

        private static double value(String line) {
            return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }

        /** Samples taken between two instants (microseconds since the epoch). */
        List<Gauges> between(long from, long to) {
            synchronized (samples) {
                return samples.stream().filter(s -> s.at() >= from && s.at() <= to).toList();
            }
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
        }
    }

    /** CPU time (user + system, clock ticks) of each watched process, and of the whole machine. */
    record CpuSnapshot(long wallNanos, Map<String, Long> ticks, long machineBusy, long machineTotal) {
    }

    /**
     * @param pids name → pid; PostgreSQL's entry is its postmaster, whose children (backends, WAL writer,
     *             checkpointer, …) are added to it
     */
    static CpuSnapshot cpu(Map<String, Long> pids, long postmaster) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        pids.forEach((name, pid) -> ticks.put(name, pid == postmaster ? tree(pid) : ticks(pid)));
        long busy = 0;
        long total = 0;
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            for (int i = 1; i < fields.length && i <= 8; i++) {
                long value = Long.parseLong(fields[i]);
                total += value;
                if (i != 4 && i != 5) {
                    busy += value;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new CpuSnapshot(System.nanoTime(), ticks, busy, total);
    }

    private static long tree(long parent) {
        // The parent's own time plus what its children that already exited used (cutime + cstime).
        String[] own = stat(Path.of("/proc", Long.toString(parent), "stat"));
        long sum = own == null ? 0 : Long.parseLong(own[11]) + Long.parseLong(own[12]) + Long.parseLong(own[13])
                + Long.parseLong(own[14]);
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                String[] stat = stat(process.resolve("stat"));
                if (stat != null && Long.parseLong(stat[1]) == parent) {
                    sum += Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return sum;
    }

    private static long ticks(long pid) {
        String[] stat = stat(Path.of("/proc", Long.toString(pid), "stat"));
        return stat == null ? 0 : Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
    }

    /** The fields of /proc/PID/stat after the command name: [0] = state, [1] = ppid, [11] = utime, [12] = stime,
     * [13] = cutime, [14] = cstime. */
    private static String[] stat(Path path) {
        try {
            String line = Files.readString(path);
            return line.substring(line.lastIndexOf(')') + 2).split(" ");
        } catch (IOException e) {
            return null;
        }
    }

    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + "/" + fields[1] + "/" + fields[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
