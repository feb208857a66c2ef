package bench.executor;

import bench.executor.Platform.Prompt;
import bench.executor.Platform.Run;
import bench.executor.Platform.Times;
import bench.executor.Probes.CpuSnapshot;
import bench.executor.Probes.GaugeSampler;
import bench.executor.Probes.Gauges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The executor benchmark of issue 4 (bench/executor.sh starts the stack and passes the settings as system
 * properties). Every figure comes from the rows the executor wrote (created_at, started_at, finished_at,
 * notified_at), the executor's own gauges, or /proc; nothing is assumed.
 */
public final class ExecutorBenchmark {

    private static final String[] PROCESSES = {"run-executor", "provider-simulator", "PostgreSQL", "Kafka", "harness"};

    private final Platform platform;
    /**
     * The low backlog's top-up on a client of its own (event loops, connections, producer), as a batch client's
     * would be: its bursts never delay the onsite runs' inserts and records inside the harness.
     */
    private final Platform backlogClient;
    private final GaugeSampler gauges;
    private final Map<String, Long> pids = new LinkedHashMap<>();
    private final long postmaster;
    private final long clockTicks = Long.getLong("bench.clockTicks", 100);
    private final int maxInFlight = Integer.getInteger("bench.maxInFlight");
    /** The first seconds of each onsite trickle, reported apart from the steady rest the target is judged on. */
    private final int settleSeconds = Integer.getInteger("bench.onsiteSettleSeconds");
    private final StringBuilder out = new StringBuilder();

    private ExecutorBenchmark() {
        platform = platform();
        backlogClient = platform();
        gauges = new GaugeSampler(System.getProperty("bench.metrics"), 250);
        postmaster = Long.getLong("bench.postgresPid");
        pids.put("run-executor", Long.getLong("bench.executorPid"));
        pids.put("provider-simulator", Long.getLong("bench.simulatorPid"));
        pids.put("PostgreSQL", postmaster);
        pids.put("Kafka", Long.getLong("bench.kafkaPid"));
        pids.put("harness", ProcessHandle.current().pid());
    }

    public static void main(String[] args) throws Exception {
        ExecutorBenchmark benchmark = new ExecutorBenchmark();
        try {
            benchmark.run();
        } finally {
            benchmark.gauges.close();
            benchmark.platform.close();
            benchmark.backlogClient.close();
        }
        System.exit(0);
    }

    private void run() throws Exception {
        int runs = Integer.getInteger("bench.runs");
        int warmup = Integer.getInteger("bench.warmup");
        int backlog = Integer.getInteger("bench.backlog");
        int onsiteRate = Integer.getInteger("bench.onsiteRate");
        int onsiteSeconds = Integer.getInteger("bench.onsiteSeconds");
        String loadAtStart = Probes.loadAverage();

        log("warm-up: %,d normal runs", warmup);
        Prompt warm = platform.prompt("warm-up");
        platform.publishAll(warm, platform.store(warm, "normal", warmup), "normal");
        require(platform.awaitFinished(warm.tenantId(), warmup, 300), "the warm-up runs did not all finish in 5 min");

        log("throughput: storing %,d normal runs", runs);
        Prompt offered = platform.prompt("throughput");
        List<Run> stored = platform.store(offered, "normal", runs);
        log("throughput: publishing them at once");
        CpuSnapshot cpuBefore = Probes.cpu(pids, postmaster);
        long publishStart = System.nanoTime();
        platform.publishAll(offered, stored, "normal");
        double publishSeconds = (System.nanoTime() - publishStart) / 1e9;
        require(platform.awaitFinished(offered.tenantId(), runs, 900), "the throughput runs did not all finish in 15 min");
        CpuSnapshot cpuAfter = Probes.cpu(pids, postmaster);
        List<Times> throughput = platform.times(offered.tenantId());

        log("priority: onsite trickle, no backlog (%d/s for %d s)", onsiteRate, onsiteSeconds);
        Prompt quiet = platform.prompt("onsite without backlog");
        Trickle quietTrickle = trickle(quiet, onsiteRate, onsiteSeconds, null, 0);
        require(platform.awaitFinished(quiet.tenantId(), quietTrickle.count, 300), "the onsite runs did not all finish");

        log("priority: %,d low runs backlogged", backlog);
        Prompt low = platform.prompt("low backlog");
        backlogClient.publishAll(low, backlogClient.store(low, "low", backlog), "low");
        awaitBusy(30);
        Prompt busy = platform.prompt("onsite with backlog");
        Trickle busyTrickle = trickle(busy, onsiteRate, onsiteSeconds, low, backlog);
        require(platform.awaitFinished(busy.tenantId(), busyTrickle.count, 300), "the onsite runs did not all finish");
        log("priority: draining the low backlog (%,d runs in all)", busyTrickle.lowStored);
        require(platform.awaitFinished(low.tenantId(), busyTrickle.lowStored, 900), "the low runs did not all finish");
        List<Times> lowTimes = platform.times(low.tenantId());

        report(runs, warmup, publishSeconds, throughput, cpuBefore, cpuAfter, quietTrickle,
                platform.times(quiet.tenantId()), busyTrickle, platform.times(busy.tenantId()), lowTimes, backlog,
                loadAtStart);
    }

    private static Platform platform() {
        return new Platform(Integer.getInteger("bench.pgPort"), System.getProperty("bench.pgDatabase"),
                System.getProperty("bench.pgUser"), System.getProperty("bench.pgPassword"), System.getProperty("bench.kafka"));
    }

    /** What a trickle of onsite runs did, and the machine around it. */
    private record Trickle(int count, long startMicros, long endMicros, CpuSnapshot cpuBefore, CpuSnapshot cpuAfter,
            long lowWaitingMin, long lowWaitingMax, int lowStored) {
    }

    /**
     * Stores and publishes {@code rate} onsite runs per second for {@code seconds}, each as the gateway does (rows,
     * then the record). With a {@code low} prompt, a second thread keeps that many low runs waiting (stored, not yet
     * started) by storing and publishing more every second.
     */
    private Trickle trickle(Prompt onsite, int rate, int seconds, Prompt low, int backlog) throws Exception {
        int count = rate * seconds;
        ExecutorService publisher = Executors.newSingleThreadExecutor();
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        List<CompletableFuture<Void>> sends = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger issued = new AtomicInteger();
        AtomicLong lowMin = new AtomicLong(Long.MAX_VALUE);
        AtomicLong lowMax = new AtomicLong(0);
        AtomicInteger lowStored = new AtomicInteger(backlog);
        Thread topUp = null;
        if (low != null) {
            topUp = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    long waiting = backlogClient.count("SELECT count(*) FROM gateway.runs_with_state WHERE tenant_id = $1"
                            + " AND status = 'pending' AND started_at IS NULL", low.tenantId());
                    lowMin.accumulateAndGet(waiting, Math::min);
                    lowMax.accumulateAndGet(waiting, Math::max);
                    if (waiting < backlog) {
                        int add = (int) (backlog - waiting);
                        backlogClient.publishAll(low, backlogClient.store(low, "low", add), "low");
                        lowStored.addAndGet(add);
                    }
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "low-top-up");
            topUp.start();
        }
        CpuSnapshot before = Probes.cpu(pids, postmaster);
        long start = System.currentTimeMillis() * 1000;
        var ticks = clock.scheduleAtFixedRate(() -> {
            if (issued.getAndIncrement() < count) {
                sends.add(platform.storeOne(onsite, "onsite")
                        .thenComposeAsync(run -> platform.publish(onsite, run, "onsite"), publisher));
            }
        }, 0, 1_000_000_000L / rate, TimeUnit.NANOSECONDS);
        while (issued.get() < count) {
            Thread.sleep(50);
        }
        ticks.cancel(false);
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
        long end = System.currentTimeMillis() * 1000;
        CpuSnapshot after = Probes.cpu(pids, postmaster);
        if (topUp != null) {
            topUp.interrupt();
            topUp.join();
        }
        clock.shutdown();
        publisher.shutdown();
        return new Trickle(sends.size(), start, end, before, after, low == null ? 0 : lowMin.get(),
                low == null ? 0 : lowMax.get(), lowStored.get());
    }

    /** Waits until the executor has (nearly) every slot taken, so the trickle meets a busy executor. */
    private void awaitBusy(int timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            long now = System.currentTimeMillis() * 1000;
            List<Gauges> recent = gauges.between(now - 1_000_000, now);
            if (!recent.isEmpty() && recent.get(recent.size() - 1).inFlight() >= 0.9 * maxInFlight) {
                return;
            }
            Thread.sleep(250);
        }
        log("the executor did not reach 90%% of its slots within %d s; measuring anyway", timeoutSeconds);
    }

    // --- report ------------------------------------------------------------------------------------------------

    private void report(int runs, int warmup, double publishSeconds, List<Times> throughput, CpuSnapshot cpuBefore,
            CpuSnapshot cpuAfter, Trickle quietTrickle, List<Times> quiet, Trickle busyTrickle, List<Times> busy,
            List<Times> low, int backlog, String loadAtStart) throws IOException {
        String cpuModel = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 2)).orElse("?");
        line("#### Latest run: %s", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")));
        line("");
        String scheduling = System.getProperty("bench.scheduling", "");
        line("Command: `%s`. Machine: %d CPUs (%s), Java %s; load average (1/5/15 min) at start %s. Executor: one process,"
                        + " `EXECUTOR_MAX_IN_FLIGHT=%d`, `QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE=%s`, `-Xmx%s`; scheduling: %s;"
                        + " simulator latency %s ms (fixed); %,d warm-up runs first.",
                System.getProperty("bench.command"), Runtime.getRuntime().availableProcessors(), cpuModel,
                System.getProperty("java.version"), loadAtStart, maxInFlight, System.getProperty("bench.pgPool"),
                System.getProperty("bench.executorHeap"),
                scheduling.isBlank() ? "the service's defaults" : scheduling + ", the rest the service's defaults",
                System.getProperty("bench.latencyMs"), warmup);
        line("");

        // Throughput.
        long[] created = column(throughput, Times::created);
        long[] finished = column(throughput, Times::finished);
        long first = Arrays.stream(created).min().orElse(0);
        long last = Arrays.stream(finished).max().orElse(0);
        long t10 = finished[(int) (finished.length * 0.10)];
        long t90 = finished[(int) (finished.length * 0.90) - 1];
        double steady = (finished.length * 0.8) / ((t90 - t10) / 1e6);
        double overall = finished.length / ((last - first) / 1e6);
        int peakSecond = peakWindow(finished, 1_000_000);
        InFlight exact = inFlight(throughput, t10, t90);
        List<Gauges> window = gauges.between(t10, t90);
        double gaugePeak = gauges.between(first, last).stream().mapToDouble(Gauges::inFlight).max().orElse(0);
        double gaugeAverage = window.stream().mapToDouble(Gauges::inFlight).average().orElse(0);
        long failed = throughput.stream().filter(t -> !"completed".equals(t.status())).count();
        line("##### Throughput: %,d normal runs offered at once", runs);
        line("");
        line("| Figure | Value | Target | Met |");
        line("|---|---|---|---|");
        line("| Runs/s completed, steady state (10%% → 90%% of the finishes, %.1f s) | **%,.0f** | ≥ 1,000 | %s |",
                (t90 - t10) / 1e6, steady, met(steady >= 1000));
        line("| Runs in flight (claimed, not finished; from started_at/finished_at), peak | **%,d** | ≥ 2,000 | %s |",
                exact.peak, met(exact.peak >= 2000));
        line("| Runs in flight, time average over the steady state | %,.0f | | |", exact.average);
        line("| `executor_runs_in_flight` gauge (slots taken), peak / steady average (every 250 ms) | %,.0f / %,.0f | | |",
                gaugePeak, gaugeAverage);
        line("| Runs/s completed, overall (first insert → last finish, %.1f s) | %,.0f | | |", (last - first) / 1e6, overall);
        line("| Runs/s completed, best 1-s window | %,d | | |", peakSecond);
        line("| End to end (finished_at − created_at) p50 / p99 / max | %s / %s / %s | | |",
                seconds(percentile(differences(throughput, Times::created, Times::finished), 50)),
                seconds(percentile(differences(throughput, Times::created, Times::finished), 99)),
                seconds(percentile(differences(throughput, Times::created, Times::finished), 100)));
        line("| Execution (finished_at − started_at) p50 / p99 | %s / %s | | |",
                seconds(percentile(differences(throughput, Times::started, Times::finished), 50)),
                seconds(percentile(differences(throughput, Times::started, Times::finished), 99)));
        line("| Finished → notified (notified_at − finished_at) p50 / p99 | %s / %s | | |",
                millis(percentile(differences(throughput, Times::finished, Times::notified), 50)),
                millis(percentile(differences(throughput, Times::finished, Times::notified), 99)));
        line("| Runs completed / failed | %,d / %,d | | |", throughput.size() - failed, failed);
        line("");
        line("Publishing the %,d records took %.1f s (the harness's producer, acks=all); the runs' rows were stored before.",
                runs, publishSeconds);
        line("");

        // Priority: each trickle's first settle seconds apart from the rest.
        long quietSettled = quietTrickle.startMicros + settleSeconds * 1_000_000L;
        long busySettled = busyTrickle.startMicros + settleSeconds * 1_000_000L;
        List<Times> quietSteady = quiet.stream().filter(t -> t.created() >= quietSettled).toList();
        List<Times> busySteady = busy.stream().filter(t -> t.created() >= busySettled).toList();
        long[] quietWait = differences(quietSteady, Times::created, Times::started);
        long[] busyWait = differences(busySteady, Times::created, Times::started);
        double ratio50 = (double) percentile(busyWait, 50) / Math.max(1, percentile(quietWait, 50));
        double ratio99 = (double) percentile(busyWait, 99) / Math.max(1, percentile(quietWait, 99));
        long[] quietWaitAll = differences(quiet, Times::created, Times::started);
        long[] busyWaitAll = differences(busy, Times::created, Times::started);
        long lowStartedDuring = low.stream()
                .filter(t -> t.started() >= busySettled && t.started() <= busyTrickle.endMicros).count();
        List<Gauges> busyGauges = gauges.between(busySettled, busyTrickle.endMicros);
        List<Gauges> quietGauges = gauges.between(quietSettled, quietTrickle.endMicros);
        double busySteadySeconds = (busyTrickle.endMicros - busySettled) / 1e6;
        line("##### Priority: onsite queue wait with and without a low backlog");
        line("");
        line("Onsite trickle: %s runs/s for %s s. The target is judged on each trickle after its first %d s (steady); the"
                        + " whole trickle, first seconds included, is in the last columns.",
                System.getProperty("bench.onsiteRate"), System.getProperty("bench.onsiteSeconds"), settleSeconds);
        line("");
        line("| Phase | Steady runs | Queue wait p50 | p99 | max | End to end p50 | In flight (gauge, avg) | Lower-work limit (gauge, avg, min–max) | Low runs waiting (min–max) | Low runs started/s | Whole trickle: runs, p50 / p99 / max |");
        line("|---|---|---|---|---|---|---|---|---|---|---|");
        line("| no backlog | %,d | %s | %s | %s | %s | %,.0f | %s | 0 | 0 | %,d, %s / %s / %s |", quietSteady.size(),
                millis(percentile(quietWait, 50)), millis(percentile(quietWait, 99)), millis(percentile(quietWait, 100)),
                seconds(percentile(differences(quietSteady, Times::created, Times::finished), 50)),
                quietGauges.stream().mapToDouble(Gauges::inFlight).average().orElse(0), lowerLimit(quietGauges), quiet.size(),
                millis(percentile(quietWaitAll, 50)), millis(percentile(quietWaitAll, 99)), millis(percentile(quietWaitAll, 100)));
        line("| %,d low runs backlogged | %,d | %s | %s | %s | %s | %,.0f | %s | %,d–%,d | %,.0f | %,d, %s / %s / %s |", backlog,
                busySteady.size(), millis(percentile(busyWait, 50)), millis(percentile(busyWait, 99)),
                millis(percentile(busyWait, 100)), seconds(percentile(differences(busySteady, Times::created, Times::finished), 50)),
                busyGauges.stream().mapToDouble(Gauges::inFlight).average().orElse(0), lowerLimit(busyGauges),
                busyTrickle.lowWaitingMin, busyTrickle.lowWaitingMax, lowStartedDuring / busySteadySeconds, busy.size(),
                millis(percentile(busyWaitAll, 50)), millis(percentile(busyWaitAll, 99)), millis(percentile(busyWaitAll, 100)));
        line("| **Ratio backlog / none** | | **%.2f** | **%.2f** | | | | | | | %.2f / %.2f |", ratio50, ratio99,
                (double) percentile(busyWaitAll, 50) / Math.max(1, percentile(quietWaitAll, 50)),
                (double) percentile(busyWaitAll, 99) / Math.max(1, percentile(quietWaitAll, 99)));
        line("");
        line("Target: ratio ≤ 1.5 — p50 %s, p99 %s. Queue wait = started_at − created_at: from the run's row being stored"
                        + " (the gateway's acceptance; the record is published right after) to its claim by the executor."
                        + " The first %d s of each trickle are a transition: without backlog, the throughput phase's"
                        + " aftermath (the JIT compilers and PostgreSQL still busy); with it, the ~%,d low runs that held"
                        + " the slots when onsite traffic began, which finish before the cap on lower work takes hold."
                        + " %,d low runs were stored and published in all (the backlog, topped up every second while the"
                        + " trickle ran).",
                met(ratio50 <= 1.5), met(ratio99 <= 1.5), settleSeconds, (int) (0.9 * maxInFlight), busyTrickle.lowStored);
        line("");

        // CPU.
        double throughputWall = (cpuAfter.wallNanos() - cpuBefore.wallNanos()) / 1e9;
        line("##### Where the CPU goes");
        line("");
        line("CPU time of each process (user + system, /proc/PID/stat; PostgreSQL = postmaster and all its backends) over"
                + " each phase, in cores (CPU seconds per wall second; the machine has %d), and for the throughput phase per"
                + " run. \"Others\" = the machine's busy time (/proc/stat) minus these processes: other engineers' work.",
                Runtime.getRuntime().availableProcessors());
        line("");
        line("| Process | Throughput phase (%.0f s): cores | CPU ms per run | Trickle, no backlog: cores | Trickle, backlog: cores |",
                throughputWall);
        line("|---|---|---|---|---|");
        for (String name : PROCESSES) {
            line("| %s | %.2f | %.2f | %.2f | %.2f |", name, cores(cpuBefore, cpuAfter, name),
                    ticksOf(cpuBefore, cpuAfter, name) * 1000.0 / clockTicks / runs,
                    cores(quietTrickle.cpuBefore, quietTrickle.cpuAfter, name),
                    cores(busyTrickle.cpuBefore, busyTrickle.cpuAfter, name));
        }
        line("| others (not this benchmark) | %.2f | | %.2f | %.2f |", others(cpuBefore, cpuAfter),
                others(quietTrickle.cpuBefore, quietTrickle.cpuAfter), others(busyTrickle.cpuBefore, busyTrickle.cpuAfter));
        line("| **machine busy** | **%.2f** | | **%.2f** | **%.2f** |", machine(cpuBefore, cpuAfter),
                machine(quietTrickle.cpuBefore, quietTrickle.cpuAfter), machine(busyTrickle.cpuBefore, busyTrickle.cpuAfter));
        line("");
        line("Load average at the end: %s.", Probes.loadAverage());

        String report = out.toString();
        System.out.println();
        System.out.print(report);
        Files.writeString(Path.of(System.getProperty("bench.out")), report);
    }

    private record InFlight(int peak, double average) {
    }

    /** Runs claimed and not finished, from the stored times: the peak, and the time average over [from, to]. */
    private static InFlight inFlight(List<Times> times, long from, long to) {
        List<long[]> events = new ArrayList<>();
        double overlap = 0;
        for (Times t : times) {
            if (t.started() == 0) {
                continue;
            }
            long end = t.finished() == 0 ? Long.MAX_VALUE : t.finished();
            events.add(new long[] {t.started(), 1});
            events.add(new long[] {end, -1});
            overlap += Math.max(0, Math.min(end, to) - Math.max(t.started(), from));
        }
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int current = 0;
        int peak = 0;
        for (long[] event : events) {
            current += (int) event[1];
            peak = Math.max(peak, current);
        }
        return new InFlight(peak, overlap / Math.max(1, to - from));
    }

    /** The most finishes in any window of {@code width} microseconds. */
    private static int peakWindow(long[] sorted, long width) {
        int best = 0;
        for (int start = 0, end = 0; end < sorted.length; end++) {
            while (sorted[end] - sorted[start] >= width) {
                start++;
            }
            best = Math.max(best, end - start + 1);
        }
        return best;
    }

    private static long[] column(List<Times> times, java.util.function.ToLongFunction<Times> field) {
        return times.stream().mapToLong(field).filter(v -> v > 0).sorted().toArray();
    }

    private static long[] differences(List<Times> times, java.util.function.ToLongFunction<Times> from,
            java.util.function.ToLongFunction<Times> to) {
        return times.stream().filter(t -> from.applyAsLong(t) > 0 && to.applyAsLong(t) > 0)
                .mapToLong(t -> to.applyAsLong(t) - from.applyAsLong(t)).sorted().toArray();
    }

    /** Nearest rank; 100 is the maximum. */
    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private long ticksOf(CpuSnapshot before, CpuSnapshot after, String name) {
        return after.ticks().get(name) - before.ticks().get(name);
    }

    private double cores(CpuSnapshot before, CpuSnapshot after, String name) {
        return ticksOf(before, after, name) / (double) clockTicks / ((after.wallNanos() - before.wallNanos()) / 1e9);
    }

    private static double machine(CpuSnapshot before, CpuSnapshot after) {
        return (after.machineBusy() - before.machineBusy()) / (double) (after.machineTotal() - before.machineTotal())
                * Runtime.getRuntime().availableProcessors();
    }

    private double others(CpuSnapshot before, CpuSnapshot after) {
        double ours = 0;
        for (String name : PROCESSES) {
            ours += cores(before, after, name);
        }
        return Math.max(0, machine(before, after) - ours);
    }

    private static String met(boolean met) {
        return met ? "met" : "**not met**";
    }

    /** The {@code executor_scheduling_lower_limit} gauge over a phase: slots lower work might hold, as it moved. */
    private static String lowerLimit(List<Gauges> samples) {
        if (samples.isEmpty()) {
            return "—";
        }
        return String.format(Locale.ROOT, "%,.0f, %,.0f–%,.0f",
                samples.stream().mapToDouble(Gauges::lowerLimit).average().orElse(0),
                samples.stream().mapToDouble(Gauges::lowerLimit).min().orElse(0),
                samples.stream().mapToDouble(Gauges::lowerLimit).max().orElse(0));
    }

    private static String millis(long micros) {
        return String.format(Locale.ROOT, "%,.1f ms", micros / 1000.0);
    }

    private static String seconds(long micros) {
        return String.format(Locale.ROOT, "%.2f s", micros / 1e6);
    }

    private void line(String format, Object... arguments) {
        out.append(String.format(Locale.ROOT, format, arguments)).append('\n');
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    private static void log(String format, Object... arguments) {
        System.out.printf(Locale.ROOT, "[%tT] " + format + "%n", prepend(new java.util.Date(), arguments));
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
