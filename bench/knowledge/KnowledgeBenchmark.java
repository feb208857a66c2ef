package bench.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.ingest.chunking.Chunk;
import dev.promptjuggler.ingest.chunking.Chunker;
import dev.promptjuggler.ingest.embedding.MiniLmModel;
import dev.promptjuggler.ingest.parsing.DocumentParser;
import dev.promptjuggler.ingest.persistence.ChunkSearch;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;

/**
 * Not a test: the knowledge benchmark, run by {@code ./platform bench knowledge} (bench/knowledge.sh starts a
 * stack of its own, then runs this against it). Two parts, each compared in the same run with what bounds it:
 *
 * <ol>
 * <li><b>Ingest.</b> A generated corpus ({@link Corpus}) is uploaded through api-gateway's public API; the clock
 * runs from the first upload request to the arrival of the base's {@code knowledgebase.finished} on
 * knowledge.finished (every document ready). Beside it, the bare encoder: the same chunk texts (cut in this
 * process by the service's own parser and chunker, and checked against what the service stored) embedded by
 * {@link MiniLmModel} the way the service batches them (per document, shortest first, batches of the service's
 * size). The corpus goes in slices, bare and end to end alternating, so both sides see the same machine; the
 * kernel's scheduler statistics of the service's encoder thread tell how much of the time it had nothing to do.</li>
 * <li><b>Search at 100,000 chunks.</b> Embedding 100,000 chunks through the service would take hours here, so the
 * vectors are seeded straight into knowledge.chunks for one base, under the service's own HNSW index: the real
 * MiniLM vectors of the corpus plus convex mixes of two of them with noise (see {@link #seed}). The service's
 * search endpoint is timed over HTTP (and the gateway's, which forwards to it); recall@10 compares each indexed
 * answer with the same endpoint's exact scan ({@code "exact": true}: index scans off).</li>
 * </ol>
 *
 * Settings are system properties {@code bench.*} (see {@link Settings}); the Markdown tables go to stdout and to
 * {@code bench.out}.
 */
public final class KnowledgeBenchmark {

    private static final int TOP_K = 10;
    private static final int CHUNKS_PER_SEEDED_DOCUMENT = 100;
    private static final int FILES_PER_UPLOAD = 20;

    record Settings(String gateway, String ingest, String bootstrapToken, String jdbcUrl, String pgUser,
            String pgPassword, String kafka, int documents, int searchChunks, int queries, int recallQueries,
            int requests, int concurrency, int batchSize, int intraOpThreads, int slices, long seed,
            boolean randomVectors, long ingestPid, int clockTicks, int efSearch, String command, Path out) {

        static Settings load() {
            return new Settings(required("bench.gateway"), required("bench.ingest"), required("bench.bootstrapToken"),
                    required("bench.jdbcUrl"), required("bench.pgUser"), required("bench.pgPassword"),
                    required("bench.kafka"), Integer.getInteger("bench.documents", 160),
                    Integer.getInteger("bench.searchChunks", 100_000), Integer.getInteger("bench.queries", 200),
                    Integer.getInteger("bench.recallQueries", 100), Integer.getInteger("bench.requests", 2_000),
                    Integer.getInteger("bench.concurrency", 4), Integer.getInteger("bench.batchSize", 32),
                    Integer.getInteger("bench.intraOpThreads", 0), Integer.getInteger("bench.slices", 8),
                    Long.getLong("bench.seed", 20261122L), Boolean.getBoolean("bench.randomVectors"),
                    Long.parseLong(required("bench.ingestPid")), Integer.getInteger("bench.clockTicks", 100),
                    Integer.getInteger("bench.efSearch", 200),
                    System.getProperty("bench.command", "./platform bench knowledge"), Path.of(required("bench.out")));
        }

        private static String required(String name) {
            String value = System.getProperty(name);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("system property " + name + " is required");
            }
            return value;
        }
    }

    /** Latencies of one series of requests, in milliseconds. */
    record Series(String path, int concurrency, int requests, double p50, double p99, double max, double mean,
            double perSecond, int errors) {
    }

    interface Call {
        List<Api.Hit> search(String query) throws Exception;
    }

    private final Settings settings;
    private final Api api;
    private final StringBuilder report = new StringBuilder();
    private MiniLmModel model;
    private String key;
    private String tenantId;

    private KnowledgeBenchmark(Settings settings) {
        this.settings = settings;
        this.api = new Api(settings.gateway(), settings.ingest());
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.load();
        KnowledgeBenchmark benchmark = new KnowledgeBenchmark(settings);
        benchmark.run();
        Files.writeString(settings.out(), benchmark.report.toString());
        System.out.println();
        System.out.print(benchmark.report);
        // ONNX Runtime and Kafka leave non-daemon threads behind.
        System.exit(0);
    }

    private void run() throws Exception {
        String started = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        String loadAtStart = loadAverage();
        JsonNode tenant = api.bootstrap(settings.bootstrapToken(), "knowledge-bench-" + System.currentTimeMillis());
        key = tenant.get("apiKey").get("key").asText();
        tenantId = tenant.get("tenantId").asText();
        model = new MiniLmModel(settings.intraOpThreads());

        report.append("#### Latest run: ").append(started).append("\n\n");
        report.append(String.format(Locale.ROOT,
                "Command: `%s`. Machine: %d CPUs (%s), Java %s; load average (1/5/15 min) at start %s. Settings: %d"
                        + " documents, %,d seeded chunks, %d queries (recall over %d), %,d requests per series,"
                        + " concurrency %d, embedding batch %d.%n%n",
                settings.command(), Runtime.getRuntime().availableProcessors(), cpuModel(),
                System.getProperty("java.version"), loadAtStart, settings.documents(), settings.searchChunks(),
                settings.queries(), settings.recallQueries(), settings.requests(), settings.concurrency(),
                settings.batchSize()));

        try (FinishedWatcher watcher = new FinishedWatcher(settings.kafka());
                Connection db = DriverManager.getConnection(settings.jdbcUrl(), settings.pgUser(), settings.pgPassword())) {
            search(db, ingest(watcher, db));
        }
        report.append(String.format(Locale.ROOT, "Load average at the end: %s.%n", loadAverage()));
    }

    // --- Ingest ----------------------------------------------------------------------------------

    /** The bases the ingest part made: the corpus's (its vectors seed the search set) and the warm-up's. */
    private record IngestBases(String corpusId, String corpusSlug, String warmUpSlug) {
    }

    /** One slice of the corpus: its bare-model time and its end-to-end time, measured next to each other. */
    private record Slice(int documents, int chunks, double bareSeconds, double endToEndSeconds, double bareCpuSeconds,
            double serviceCpuSeconds, long[] encoderSchedule, String load) {
    }

    private IngestBases ingest(FinishedWatcher watcher, Connection db) throws Exception {
        List<Corpus.Document> corpus = Corpus.documents(settings.seed(), settings.documents());
        JsonNode base = api.createBase(key, "Bench corpus");
        String baseId = base.get("id").asText();
        String slug = base.get("slug").asText();
        int maxTokens = base.get("chunking").get("maxTokens").asInt();
        int overlapTokens = base.get("chunking").get("overlapTokens").asInt();

        // The chunks the service will make, cut here by its own parser and chunker (single thread).
        Chunker chunker = new Chunker(model);
        long parseStart = System.nanoTime();
        List<List<Chunk>> reference = new ArrayList<>();
        for (Corpus.Document document : corpus) {
            reference.add(chunker.chunk(DocumentParser.parse(document.mimeType(), document.content()), maxTokens,
                    overlapTokens));
        }
        double parseSeconds = seconds(parseStart);
        int chunks = reference.stream().mapToInt(List::size).sum();
        log("corpus: %d documents, %d chunks, parse + chunk in-process %.1f s", corpus.size(), chunks, parseSeconds);

        List<List<String>> warmUpBatches = batches(reference.subList(0, Math.min(3, reference.size())));
        for (List<String> batch : warmUpBatches) {
            model.embed(batch);
        }
        // The service's JIT and model warm up on documents of another base, outside the timed runs.
        JsonNode warmUp = api.createBase(key, "Bench warm-up");
        List<Corpus.Document> warmUpDocuments = Corpus.documents(settings.seed() + 1, FILES_PER_UPLOAD);
        api.upload(key, warmUp.get("slug").asText(), warmUpDocuments);
        watcher.awaitBase(warmUp.get("id").asText(), warmUpDocuments.size(), Duration.ofMinutes(5));

        // Slices in the order bare, end to end / end to end, bare / …: the machine's load drifts (other work
        // shares its two cores), and each pair is measured within seconds of each other, in alternating order.
        List<Slice> slices = new ArrayList<>();
        Map<String, Long> threadCpu = new HashMap<>();
        long commitsBefore = commits(db);
        double uploadSeconds = 0;
        FinishedWatcher.BaseFinished finished = null;
        int sliceCount = Math.max(1, Math.min(settings.slices(), corpus.size()));
        for (int s = 0; s < sliceCount; s++) {
            int from = corpus.size() * s / sliceCount;
            int to = corpus.size() * (s + 1) / sliceCount;
            List<List<String>> sliceBatches = batches(reference.subList(from, to));
            int sliceChunks = reference.subList(from, to).stream().mapToInt(List::size).sum();
            double[] bare = null;
            double[] endToEnd = null;
            long[] encoder = null;
            for (boolean bareTurn : s % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true}) {
                if (bareTurn) {
                    long cpu = processCpuNanos();
                    bare = new double[] {bare(sliceBatches), (processCpuNanos() - cpu) / 1e9};
                    continue;
                }
                long cpu = serviceCpuNanos();
                long[] schedule = encoderSchedule();
                Map<String, Long> threadsBefore = serviceThreadCpu();
                long start = System.nanoTime();
                for (int upload = from; upload < to; upload += FILES_PER_UPLOAD) {
                    api.upload(key, slug, corpus.subList(upload, Math.min(to, upload + FILES_PER_UPLOAD)));
                }
                uploadSeconds += seconds(start);
                finished = watcher.awaitBase(baseId, to, Duration.ofMinutes(15));
                endToEnd = new double[] {(finished.receivedAtNanos() - start) / 1e9, (serviceCpuNanos() - cpu) / 1e9};
                long[] after = encoderSchedule();
                serviceThreadCpu().forEach((thread, nanos) -> threadCpu.merge(thread,
                        nanos - threadsBefore.getOrDefault(thread, 0L), Long::sum));
                schedule = new long[] {after[0] - schedule[0], after[1] - schedule[1]};
                encoder = schedule;
            }
            slices.add(new Slice(to - from, sliceChunks, bare[0], endToEnd[0], bare[1], endToEnd[1], encoder,
                    loadAverage()));
            log("slice %d: %d chunks, bare %.1f chunks/s, end to end %.1f chunks/s", s + 1, sliceChunks,
                    sliceChunks / bare[0], sliceChunks / endToEnd[0]);
        }
        long commitsPerDocument = (commits(db) - commitsBefore) / corpus.size();
        JsonNode stored = api.base(key, slug);
        String sameTexts = compareTexts(db, baseId, corpus, reference);

        double bareSeconds = slices.stream().mapToDouble(Slice::bareSeconds).sum();
        double endToEndSeconds = slices.stream().mapToDouble(Slice::endToEndSeconds).sum();
        double bareCpu = slices.stream().mapToDouble(Slice::bareCpuSeconds).sum();
        double serviceCpu = slices.stream().mapToDouble(Slice::serviceCpuSeconds).sum();
        double encoderRunning = slices.stream().mapToLong(slice -> slice.encoderSchedule()[0]).sum() / 1e9;
        double encoderWaiting = slices.stream().mapToLong(slice -> slice.encoderSchedule()[1]).sum() / 1e9;
        long markdown = corpus.stream().filter(document -> document.fileName().endsWith(".md")).count();
        long bytes = corpus.stream().mapToLong(document -> document.content().length).sum();

        report.append("##### Ingest: end to end versus the bare model\n\n");
        report.append(String.format(Locale.ROOT,
                "Corpus: %d documents (%d .md, %d .txt, %.2f MB) → %,d chunks of ≤ %d tokens, overlap %d. Stored by the"
                        + " service: %,d chunks, base `%s` with %d documents, %d `knowledgedocument.finished` received;"
                        + " chunk texts identical to the in-process reference: %s.%n%n",
                corpus.size(), markdown, corpus.size() - markdown, bytes / 1e6, chunks, maxTokens, overlapTokens,
                stored.get("chunkCount").asInt(), stored.get("status").asText(), stored.get("documentCount").asInt(),
                watcher.documentNotices(baseId), sameTexts));
        report.append("| Slice (in order) | Documents | Chunks | Bare model | End to end | Ratio | Load after |\n");
        report.append("|---|---|---|---|---|---|---|\n");
        for (int s = 0; s < slices.size(); s++) {
            Slice slice = slices.get(s);
            report.append(String.format(Locale.ROOT, "| %d (%s) | %d | %,d | %.1f chunks/s | %.1f chunks/s | %.2f | %s |%n",
                    s + 1, s % 2 == 0 ? "bare first" : "end to end first", slice.documents(), slice.chunks(),
                    slice.chunks() / slice.bareSeconds(), slice.chunks() / slice.endToEndSeconds(),
                    slice.bareSeconds() / slice.endToEndSeconds(), slice.load()));
        }
        double[] ratios = slices.stream().mapToDouble(slice -> slice.bareSeconds() / slice.endToEndSeconds()).sorted().toArray();
        double median = ratios.length % 2 == 1 ? ratios[ratios.length / 2]
                : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
        report.append(String.format(Locale.ROOT,
                "| **All** | %d | %,d | %.1f chunks/s (%.1f s) | %.1f chunks/s (%.1f s) | **%.2f** (median of the slices"
                        + " %.2f; target ≥ 0.9) | |%n%n",
                corpus.size(), chunks, chunks / bareSeconds, bareSeconds, finished.chunkCount() / endToEndSeconds,
                endToEndSeconds, bareSeconds / endToEndSeconds * finished.chunkCount() / chunks, median));
        report.append(String.format(Locale.ROOT,
                "End to end = from a slice's first upload request (%d files per request; %.1f s of uploads in all) to"
                        + " the arrival of the base's `knowledgebase.finished` on knowledge.finished. Bare model ="
                        + " `MiniLmModel.embed` in the harness JVM on the same chunk texts, batched as the service does.%n%n"
                        + "Outside the model: %.0f ms per document on top of the bare model's time (%.1f chunks per"
                        + " document); parsing and chunking alone take %.0f ms per document in one thread (in-process"
                        + " here); the database committed %d transactions per document (all services). CPU time per"
                        + " chunk: bare model %.1f ms (harness process), knowledge-ingest %.1f ms (its process, over the"
                        + " end-to-end runs): ratio %.2f.%n%n"
                        + "The service's encoder thread (`embedding-1`, which runs every model call) during the end-to-end"
                        + " runs, from the kernel's scheduler statistics: running %.0f%% of the time, ready but waiting for"
                        + " a CPU %.0f%%, idle (no batch to embed) %.0f%%.%n%n",
                FILES_PER_UPLOAD, uploadSeconds, (endToEndSeconds - bareSeconds) * 1000 / corpus.size(),
                (double) chunks / corpus.size(), parseSeconds * 1000 / corpus.size(), commitsPerDocument,
                bareCpu * 1000 / chunks, serviceCpu * 1000 / chunks, bareCpu / serviceCpu,
                100 * encoderRunning / endToEndSeconds, 100 * encoderWaiting / endToEndSeconds,
                100 * (endToEndSeconds - encoderRunning - encoderWaiting) / endToEndSeconds));
        report.append("knowledge-ingest's CPU time by thread during the end-to-end runs, per chunk: ")
                .append(threadCpu.entrySet().stream().filter(entry -> entry.getValue() > 0)
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                        .map(entry -> String.format(Locale.ROOT, "`%s` %.1f ms", entry.getKey(),
                                entry.getValue() / 1e6 / chunks))
                        .collect(Collectors.joining(", ")))
                .append(".\n\n");
        return new IngestBases(baseId, slug, warmUp.get("slug").asText());
    }

    /** The service's batching: per document, chunks shortest first, in batches of the service's size. */
    private List<List<String>> batches(List<List<Chunk>> documents) {
        List<List<String>> batches = new ArrayList<>();
        for (List<Chunk> document : documents) {
            List<String> texts = document.stream()
                    .sorted(Comparator.comparingInt((Chunk chunk) -> chunk.text().length()).thenComparingInt(Chunk::position))
                    .map(Chunk::text).toList();
            for (int from = 0; from < texts.size(); from += settings.batchSize()) {
                batches.add(texts.subList(from, Math.min(texts.size(), from + settings.batchSize())));
            }
        }
        return batches;
    }

    private double bare(List<List<String>> batches) {
        long start = System.nanoTime();
        for (List<String> batch : batches) {
            model.embed(batch);
        }
        return seconds(start);
    }

    private static String compareTexts(Connection db, String baseId, List<Corpus.Document> corpus,
            List<List<Chunk>> reference) throws Exception {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            for (Chunk chunk : reference.get(i)) {
                expected.add(corpus.get(i).fileName() + "/" + chunk.position() + "/" + chunk.text());
            }
        }
        List<String> actual = new ArrayList<>();
        try (PreparedStatement query = db.prepareStatement("SELECT d.file_name, c.position, c.content"
                + " FROM knowledge.chunks c JOIN gateway.knowledge_documents d ON d.id = c.document_id"
                + " WHERE c.knowledge_base_id = ? ORDER BY d.file_name, c.position")) {
            query.setObject(1, UUID.fromString(baseId));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    actual.add(rows.getString(1) + "/" + rows.getInt(2) + "/" + rows.getString(3));
                }
            }
        }
        return expected.equals(actual) ? "yes" : "**no** (" + actual.size() + " stored, " + expected.size() + " expected)";
    }

    // --- Search ----------------------------------------------------------------------------------

    private record Seeded(List<float[]> vectors, String description) {
    }

    private record RealChunk(String content, String headingPath, int tokenCount, float[] vector) {
    }

    private void search(Connection db, IngestBases corpusBases) throws Exception {
        List<RealChunk> real = realChunks(db, corpusBases.corpusId());
        double fidelity = mixFidelity(real, new Random(settings.seed() + 3));
        // The index then holds the search set alone.
        api.deleteBase(key, corpusBases.corpusSlug());
        api.deleteBase(key, corpusBases.warmUpSlug());
        db.setAutoCommit(true);
        try (Statement statement = db.createStatement()) {
            statement.execute("VACUUM ANALYZE knowledge.chunks");
        }

        JsonNode base = api.createBase(key, "Bench search");
        String baseId = base.get("id").asText();
        String slug = base.get("slug").asText();
        List<UUID> documents = seedDocuments(db, baseId);
        Seeded seeded = seed(real, fidelity);
        String build = load(db, baseId, documents, real, seeded.vectors());
        log("seeded %,d chunks: %s", seeded.vectors().size(), build);

        List<String> queries = Corpus.queries(settings.seed() + 2, settings.queries());
        String plan = plan(db, baseId, queries.get(0));
        for (String query : queries) {
            api.searchIngest(tenantId, baseId, query, TOP_K, false);
        }
        for (String query : queries.subList(0, Math.min(20, queries.size()))) {
            api.searchGateway(key, slug, query, TOP_K);
        }

        String ingestPath = "knowledge-ingest `POST /internal/v1/knowledge-bases/{id}/search`";
        String gatewayPath = "api-gateway `POST /manage/v1/knowledge-bases/{slug}/search` (→ knowledge-ingest)";
        Call ingest = query -> api.searchIngest(tenantId, baseId, query, TOP_K, false);
        double[] serverBefore = api.serverSearchTime();
        Series alone = measure(ingestPath, 1, settings.requests() / 2, queries, ingest);
        double[] serverAfter = api.serverSearchTime();
        double serverMean = (serverAfter[0] - serverBefore[0]) * 1000 / (serverAfter[1] - serverBefore[1]);
        List<Series> series = List.of(alone,
                measure(ingestPath, settings.concurrency(), settings.requests(), queries, ingest),
                measure(gatewayPath, settings.concurrency(), settings.requests(), queries,
                        query -> api.searchGateway(key, slug, query, TOP_K)),
                measure("reference: knowledge-ingest `GET /q/health/live` (no work)", settings.concurrency(),
                        settings.requests(), queries, query -> api.live(TOP_K)));
        record Filtered(String name, Map<String, Object> filter, Series series, double[] recall) {
        }
        List<Filtered> filtered = new ArrayList<>();
        for (var filter : List.of(Map.<String, Object>of("tenth", 3), Map.<String, Object>of("hundredth", 7))) {
            String name = filter.containsKey("tenth") ? "a tenth of the chunks (`{\"tenth\": 3}`)"
                    : "a hundredth of the chunks (`{\"hundredth\": 7}`)";
            Series one = measure(ingestPath + " with " + name, settings.concurrency(), settings.requests() / 2, queries,
                    query -> api.searchIngest(tenantId, baseId, query, TOP_K, false, filter));
            filtered.add(new Filtered(name, filter, one, recall(baseId, queries, filter)));
        }
        double[] embedding = queryEmbedding(queries);
        double[] sql = sqlAlone(db, baseId, queries);
        double[] recall = recall(baseId, queries);

        report.append(String.format(Locale.ROOT, "##### Search at %,d chunks%n%n", seeded.vectors().size()));
        report.append("| Path (topK 10, fixed query set) | Concurrency | Requests | p50 | p99 | max | Requests/s | Target |\n");
        report.append("|---|---|---|---|---|---|---|---|\n");
        for (Series one : series) {
            boolean reference = one.path().startsWith("reference");
            report.append(String.format(Locale.ROOT, "| %s | %d | %,d%s | %.1f ms | %s%.1f ms%s | %.1f ms | %.0f | %s |%n",
                    one.path(), one.concurrency(), one.requests(), one.errors() == 0 ? "" : " (" + one.errors() + " failed)",
                    one.p50(), reference ? "" : "**", one.p99(), reference ? "" : "**", one.max(), one.perSecond(),
                    reference ? "" : "p99 ≤ 15 ms"));
        }
        for (Filtered one : filtered) {
            Series s = one.series();
            report.append(String.format(Locale.ROOT, "| %s | %d | %,d%s | %.1f ms | **%.1f ms** | %.1f ms | %.0f | p99 ≤ 15 ms |%n",
                    s.path(), s.concurrency(), s.requests(), s.errors() == 0 ? "" : " (" + s.errors() + " failed)",
                    s.p50(), s.p99(), s.max(), s.perSecond()));
        }
        report.append(String.format(Locale.ROOT, "%n| Recall@10 against the exact scan (same endpoint, `\"exact\": true`)"
                        + " | Queries | Mean | Worst query | Queries below 0.8 | Target |%n|---|---|---|---|---|---|%n"
                        + "| HNSW as the service queries it (`hnsw.ef_search = %d`, iterative scan) | %d | **%.3f** | %.1f"
                        + " | %d | ≥ 0.95 |%n",
                settings.efSearch(), (int) recall[2], recall[0], recall[1], (int) recall[4]));
        for (Filtered one : filtered) {
            double[] r = one.recall();
            report.append(String.format(Locale.ROOT, "| Filtered to %s, as the service searches it | %d | **%.3f** | %.1f"
                    + " | %d | ≥ 0.95 |%n", one.name(), (int) r[2], r[0], r[1], (int) r[4]));
        }
        report.append('\n');
        report.append(String.format(Locale.ROOT,
                "Where a search's time goes (one at a time): %.1f ms on average inside knowledge-ingest by its own"
                        + " metrics (the client saw %.1f ms on average); the query's embedding alone (bare model, this"
                        + " process) median %.1f ms, p99 %.1f ms; the service's SQL alone over JDBC (same statement and"
                        + " connection settings) median %.1f ms, p99 %.1f ms; the exact scan median %.0f ms. Plan of the indexed"
                        + " query: %s.%n%n",
                serverMean, alone.mean(), embedding[0], embedding[1], sql[0], sql[1], recall[3], plan));
        report.append("Seeded set: ").append(seeded.description()).append(' ').append(build).append("\n\n");

        if (settings.randomVectors()) {
            randomWorstCase(db, baseId, documents, real, queries, ingestPath, ingest);
        }
    }

    private List<RealChunk> realChunks(Connection db, String baseId) throws Exception {
        List<RealChunk> real = new ArrayList<>();
        try (PreparedStatement query = db.prepareStatement("SELECT content, heading_path::text, token_count,"
                + " embedding::text FROM knowledge.chunks WHERE knowledge_base_id = ? ORDER BY id")) {
            query.setObject(1, UUID.fromString(baseId));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    real.add(new RealChunk(rows.getString(1), rows.getString(2), rows.getInt(3), Vectors.parse(rows.getString(4))));
                }
            }
        }
        return real;
    }

    /**
     * How close a convex mix of two chunk vectors is to the embedding of a text made of those two chunks (first
     * half of one, second half of the other, weighted by length): mean cosine over 40 such splices. MiniLM
     * mean-pools its tokens, so a text mixing two chunks lands near the mix of their vectors; this measures how
     * near, and the seeded vectors get exactly that much deviation as noise.
     */
    private double mixFidelity(List<RealChunk> real, Random random) {
        double sum = 0;
        int pairs = 40;
        for (int i = 0; i < pairs; i++) {
            RealChunk a = real.get(random.nextInt(real.size()));
            RealChunk b = real.get(random.nextInt(real.size()));
            String head = a.content().substring(0, a.content().length() / 2);
            String tail = b.content().substring(b.content().length() / 2);
            head = head.substring(0, Math.max(head.lastIndexOf(' '), 1));
            tail = tail.substring(tail.indexOf(' ') + 1);
            double w = (double) head.length() / (head.length() + tail.length());
            float[] spliced = model.embed(List.of(head + " " + tail)).get(0);
            double[] mixed = new double[spliced.length];
            for (int d = 0; d < mixed.length; d++) {
                mixed[d] = w * a.vector()[d] + (1 - w) * b.vector()[d];
            }
            sum += Vectors.cosine(spliced, Vectors.normalise(mixed));
        }
        return sum / pairs;
    }

    /**
     * The search set: every real vector of the corpus once, then convex mixes {@code w·a + (1−w)·b} of two random
     * real vectors ({@code w} uniform) with isotropic noise as large as the measured deviation of real spliced
     * texts from such mixes. Real chunk embeddings are far from uniform (they share a common direction and
     * cluster by topic), which is what HNSW exploits; uniform random vectors, the hardest case, are measured with
     * {@code BENCH_RANDOM_VECTORS=1}.
     */
    private Seeded seed(List<RealChunk> real, double fidelity) {
        Random random = new Random(settings.seed() + 4);
        double noise = Math.tan(Math.acos(Math.min(fidelity, 0.9999)));
        List<float[]> vectors = new ArrayList<>(settings.searchChunks());
        for (RealChunk chunk : real) {
            if (vectors.size() < settings.searchChunks()) {
                vectors.add(chunk.vector());
            }
        }
        while (vectors.size() < settings.searchChunks()) {
            float[] a = real.get(random.nextInt(real.size())).vector();
            float[] b = real.get(random.nextInt(real.size())).vector();
            vectors.add(Vectors.mix(a, b, random.nextDouble(), noise, random));
        }
        List<float[]> realVectors = real.stream().map(RealChunk::vector).toList();
        String description = String.format(Locale.ROOT,
                "%,d real MiniLM vectors of the corpus's chunks plus %,d convex mixes of two of them with isotropic"
                        + " noise of %.2f × the mix's norm (a spliced text's embedding lies at mean cosine %.3f from"
                        + " the mix of its parts' vectors, measured on 40 splices). Mean cosine of random pairs: real %.3f,"
                        + " seeded %.3f (uniform random vectors: 0.000).",
                Math.min(real.size(), settings.searchChunks()), settings.searchChunks() - Math.min(real.size(), settings.searchChunks()),
                noise, fidelity, Vectors.meanPairCosine(realVectors, 20_000, new Random(1)),
                Vectors.meanPairCosine(vectors, 20_000, new Random(2)));
        return new Seeded(vectors, description);
    }

    /**
     * Ready documents of 100 chunks each, already notified (so the sweeper leaves them alone): the gateway's rows and
     * knowledge-ingest's state rows, as the two services would have written them.
     */
    private List<UUID> seedDocuments(Connection db, String baseId) throws Exception {
        int count = (settings.searchChunks() + CHUNKS_PER_SEEDED_DOCUMENT - 1) / CHUNKS_PER_SEEDED_DOCUMENT;
        List<UUID> documents = new ArrayList<>(count);
        db.setAutoCommit(false);
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO gateway.knowledge_documents (id, tenant_id,"
                + " knowledge_base_id, file_name, mime_type, bytes, content_sha256, content, metadata)"
                + " VALUES (?, ?, ?, ?, 'text/markdown', ?, ?, ?, ?::jsonb)");
                PreparedStatement state = db.prepareStatement("INSERT INTO knowledge.document_states (document_id,"
                        + " knowledge_base_id, status, chunk_count, finished_at, notified_at)"
                        + " VALUES (?, ?, 'ready', ?, now(), now())")) {
            for (int i = 0; i < count; i++) {
                UUID id = new UUID(settings.seed(), i);
                byte[] content = ("seeded document " + i + "\n").getBytes(StandardCharsets.UTF_8);
                insert.setObject(1, id);
                insert.setObject(2, UUID.fromString(tenantId));
                insert.setObject(3, UUID.fromString(baseId));
                insert.setString(4, String.format("seeded-%04d.md", i));
                insert.setLong(5, content.length);
                insert.setString(6, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
                insert.setBytes(7, content);
                insert.setString(8, metadata(i));
                insert.addBatch();
                state.setObject(1, id);
                state.setObject(2, UUID.fromString(baseId));
                state.setInt(3, Math.min(CHUNKS_PER_SEEDED_DOCUMENT, settings.searchChunks() - i * CHUNKS_PER_SEEDED_DOCUMENT));
                state.addBatch();
                documents.add(id);
            }
            insert.executeBatch();
            state.executeBatch();
        }
        db.commit();
        db.setAutoCommit(true);
        return documents;
    }

    /**
     * COPYs the chunks (texts and heading paths of the real chunks, cycled) with the service's index dropped, then
     * rebuilds that index from its own definition: one bulk build instead of 100,000 inserts into the graph.
     */
    private String load(Connection db, String baseId, List<UUID> documents, List<RealChunk> real, List<float[]> vectors)
            throws Exception {
        String definition;
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("SELECT indexdef FROM pg_indexes WHERE schemaname = 'knowledge'"
                        + " AND indexname = 'chunks_embedding_384'")) {
            if (!rows.next()) {
                throw new IllegalStateException("index knowledge.chunks_embedding_384 not found");
            }
            definition = rows.getString(1);
        }
        try (Statement statement = db.createStatement()) {
            statement.execute("DROP INDEX knowledge.chunks_embedding_384");
        }
        long copyStart = System.nanoTime();
        var copy = db.unwrap(PGConnection.class).getCopyAPI();
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < vectors.size(); i++) {
            RealChunk text = real.get(i % real.size());
            rows.append(documents.get(i / CHUNKS_PER_SEEDED_DOCUMENT)).append('\t').append(baseId).append('\t')
                    .append(i % CHUNKS_PER_SEEDED_DOCUMENT).append("\t\\N\t").append(copyText(text.headingPath()))
                    .append('\t').append(copyText(text.content())).append('\t').append(text.tokenCount()).append('\t')
                    .append(Vectors.format(vectors.get(i))).append("\t384\t")
                    .append(metadata(i / CHUNKS_PER_SEEDED_DOCUMENT)).append('\n');
            if ((i + 1) % 5_000 == 0 || i == vectors.size() - 1) {
                copy.copyIn("COPY knowledge.chunks (document_id, knowledge_base_id, position, page, heading_path, content,"
                        + " token_count, embedding, dimensions, metadata) FROM STDIN", new StringReader(rows.toString()));
                rows.setLength(0);
            }
        }
        double copySeconds = seconds(copyStart);
        long buildStart = System.nanoTime();
        try (Statement statement = db.createStatement()) {
            // Enough memory for the graph to be built in memory; the graph's parameters are the index's own.
            statement.execute("SET maintenance_work_mem = '1GB'");
            statement.execute(definition);
            statement.execute("RESET maintenance_work_mem");
            // As after any bulk load: otherwise autovacuum takes the fresh table (and the index) on during the
            // measurement.
            statement.execute("VACUUM ANALYZE knowledge.chunks, gateway.knowledge_documents, knowledge.document_states");
        }
        return String.format(Locale.ROOT, "COPY took %.0f s, building the index %.0f s.", copySeconds,
                seconds(buildStart));
    }

    /**
     * The metadata of seeded document {@code i} (its chunks carry it, as knowledge-ingest copies it): {@code tenth}
     * selects a tenth of the chunks (10,000 of 100,000: more than ingest.search.exact-scan-below, so searched over
     * the HNSW index with the filter), {@code hundredth} a hundredth (1,000: scanned exactly through the metadata
     * index).
     */
    private static String metadata(int document) {
        return "{\"tenth\": " + document % 10 + ", \"hundredth\": " + document % 100 + "}";
    }

    /** CPU time of this process, every thread (the encoder's native threads included). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU time of the knowledge-ingest process (user + system, from /proc/PID/stat). */
    private long serviceCpuNanos() throws Exception {
        String stat = Files.readString(Path.of("/proc/" + settings.ingestPid() + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1_000_000_000L / settings.clockTicks();
    }

    /**
     * Nanoseconds the service's encoder threads ({@code embedding-N}) have spent running and waiting in the run
     * queue, from /proc/PID/task/TID/schedstat; the rest of the wall time they slept, i.e. had nothing to embed.
     */
    private long[] encoderSchedule() throws Exception {
        long running = 0;
        long waiting = 0;
        try (var tasks = Files.list(Path.of("/proc/" + settings.ingestPid() + "/task"))) {
            for (Path task : tasks.toList()) {
                if (Files.readString(task.resolve("comm")).strip().startsWith("embedding-")) {
                    String[] fields = Files.readString(task.resolve("schedstat")).strip().split(" ");
                    running += Long.parseLong(fields[0]);
                    waiting += Long.parseLong(fields[1]);
                }
            }
        }
        return new long[] {running, waiting};
    }

    /** CPU time of each of the service's threads, summed by name with the numbers taken out (GC Thread#N …). */
    private Map<String, Long> serviceThreadCpu() throws Exception {
        Map<String, Long> cpu = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + settings.ingestPid() + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "N");
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long nanos = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1_000_000_000L
                            / settings.clockTicks();
                    cpu.merge(name, nanos, Long::sum);
                } catch (java.io.IOException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        return cpu;
    }

    private static long commits(Connection db) throws Exception {
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("SELECT xact_commit FROM pg_stat_database"
                        + " WHERE datname = current_database()")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static String copyText(String text) {
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    private Series measure(String path, int concurrency, int requests, List<String> queries, Call call)
            throws InterruptedException {
        long[] nanos = new long[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < concurrency; t++) {
            Thread thread = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                    long begin = System.nanoTime();
                    try {
                        if (call.search(queries.get(i % queries.size())).size() != TOP_K) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    nanos[i] = System.nanoTime() - begin;
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double wall = seconds(start);
        Arrays.sort(nanos);
        Series series = new Series(path, concurrency, requests, percentile(nanos, 0.50), percentile(nanos, 0.99),
                nanos[nanos.length - 1] / 1e6, Arrays.stream(nanos).average().orElse(0) / 1e6, requests / wall,
                errors.get());
        log("%s, concurrency %d: p50 %.1f ms, p99 %.1f ms, %.0f/s, %d errors", path, concurrency, series.p50(),
                series.p99(), series.perSecond(), series.errors());
        return series;
    }

    private double[] queryEmbedding(List<String> queries) {
        long[] nanos = new long[queries.size()];
        for (int i = 0; i < queries.size(); i++) {
            long begin = System.nanoTime();
            model.embed(List.of(queries.get(i)));
            nanos[i] = System.nanoTime() - begin;
        }
        Arrays.sort(nanos);
        return new double[] {percentile(nanos, 0.50), percentile(nanos, 0.99)};
    }

    /** The statement of the service's ChunkSearch (indexed path), with its connection settings, over JDBC. */
    private double[] sqlAlone(Connection db, String baseId, List<String> queries) throws Exception {
        long[] nanos = new long[queries.size()];
        try (Statement statement = db.createStatement()) {
            statement.execute(searchSettings("SET"));
        }
        JdbcStatement search = JdbcStatement.of(searchSql());
        try (PreparedStatement query = db.prepareStatement(search.sql())) {
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < queries.size(); i++) {
                    String vector = Vectors.format(model.embed(List.of(queries.get(i))).get(0));
                    long begin = System.nanoTime();
                    search.bind(query, searchArguments(baseId, vector));
                    try (ResultSet rows = query.executeQuery()) {
                        while (rows.next()) {
                            rows.getString(6);
                        }
                    }
                    nanos[i] = System.nanoTime() - begin;
                }
            }
        }
        try (Statement statement = db.createStatement()) {
            statement.execute("RESET hnsw.ef_search; RESET hnsw.iterative_scan; RESET plan_cache_mode");
        }
        Arrays.sort(nanos);
        return new double[] {percentile(nanos, 0.50), percentile(nanos, 0.99)};
    }

    /** What knowledge-ingest's connections set when they open (its application.properties). */
    private String searchSettings(String set) {
        return set + " hnsw.ef_search = " + settings.efSearch() + "; " + set + " hnsw.iterative_scan = strict_order; "
                + set + " plan_cache_mode = force_custom_plan";
    }

    /** The service's own search statement (ChunkSearch), over every document of a base of the model's size. */
    private static String searchSql() {
        return ChunkSearch.nearestSql(MiniLmModel.DIMENSIONS, false);
    }

    /** The statement's arguments in its parameters' order: base, the query's vector, topK. */
    private static Object[] searchArguments(String baseId, String vector) {
        return new Object[] {UUID.fromString(baseId), vector, TOP_K};
    }

    /**
     * A statement with PostgreSQL's numbered parameters ($1, $2, …), which the service's reactive client sends, as
     * JDBC's positional ones: the same SQL, each {@code ?} bound to the argument its number named.
     */
    private record JdbcStatement(String sql, int[] arguments) {

        private static final Pattern PARAMETER = Pattern.compile("\\$(\\d+)");

        static JdbcStatement of(String numbered) {
            Matcher parameter = PARAMETER.matcher(numbered);
            List<Integer> arguments = new ArrayList<>();
            StringBuilder sql = new StringBuilder();
            while (parameter.find()) {
                arguments.add(Integer.parseInt(parameter.group(1)) - 1);
                parameter.appendReplacement(sql, "?");
            }
            parameter.appendTail(sql);
            return new JdbcStatement(sql.toString(), arguments.stream().mapToInt(Integer::intValue).toArray());
        }

        void bind(PreparedStatement statement, Object... values) throws SQLException {
            for (int i = 0; i < arguments.length; i++) {
                statement.setObject(i + 1, values[arguments[i]]);
            }
        }

        /** The statement with its arguments written in as SQL literals, for EXPLAIN. */
        static String inline(String numbered, Object... values) {
            return PARAMETER.matcher(numbered).replaceAll(parameter -> {
                Object value = values[Integer.parseInt(parameter.group(1)) - 1];
                return Matcher.quoteReplacement(value instanceof Number ? value.toString() : "'" + value + "'");
            });
        }
    }

    /** Which index the service's statement uses, from EXPLAIN under the service's settings. */
    private String plan(Connection db, String baseId, String queryText) throws Exception {
        String vector = Vectors.format(model.embed(List.of(queryText)).get(0));
        String sql = JdbcStatement.inline(searchSql(), searchArguments(baseId, vector));
        db.setAutoCommit(false);
        List<String> lines = new ArrayList<>();
        try (Statement statement = db.createStatement()) {
            statement.execute(searchSettings("SET LOCAL"));
            try (ResultSet rows = statement.executeQuery("EXPLAIN " + sql)) {
                while (rows.next()) {
                    lines.add(rows.getString(1));
                }
            }
        }
        db.rollback();
        db.setAutoCommit(true);
        return lines.stream().filter(line -> line.contains("Index Scan") || line.contains("Seq Scan"))
                .map(line -> "`" + line.strip().replaceAll("\\s+\\(cost.*", "") + "`").findFirst().orElse("(none)");
    }

    /** @return mean recall@10, worst query's recall, queries, exact scan's median ms, queries below 0.8 */
    private double[] recall(String baseId, List<String> queries) throws Exception {
        return recall(baseId, queries, null);
    }

    /** The same for searches with a metadata filter (null: none), against the exact scan with the same filter. */
    private double[] recall(String baseId, List<String> queries, Map<String, Object> filter) throws Exception {
        int count = Math.min(settings.recallQueries(), queries.size());
        double sum = 0;
        double worst = 1;
        int below = 0;
        long[] exactNanos = new long[count];
        for (int i = 0; i < count; i++) {
            List<Api.Hit> indexed = api.searchIngest(tenantId, baseId, queries.get(i), TOP_K, false, filter);
            long begin = System.nanoTime();
            List<Api.Hit> exact = api.searchIngest(tenantId, baseId, queries.get(i), TOP_K, true, filter);
            exactNanos[i] = System.nanoTime() - begin;
            Set<String> truth = new HashSet<>();
            exact.forEach(hit -> truth.add(hit.key()));
            long found = indexed.stream().filter(hit -> truth.contains(hit.key())).count();
            double recall = (double) found / exact.size();
            if (recall < 0.5) {
                log("recall %.1f for \"%s\": exact scores %.3f…%.3f, index scores %.3f…%.3f", recall, queries.get(i),
                        exact.get(0).score(), exact.get(exact.size() - 1).score(), indexed.get(0).score(),
                        indexed.get(indexed.size() - 1).score());
            }
            sum += recall;
            worst = Math.min(worst, recall);
            below += recall < 0.8 ? 1 : 0;
        }
        Arrays.sort(exactNanos);
        return new double[] {sum / count, worst, count, percentile(exactNanos, 0.50), below};
    }

    /** The same chunks with uniform random unit vectors: no structure for the graph to follow. */
    private void randomWorstCase(Connection db, String baseId, List<UUID> documents, List<RealChunk> real,
            List<String> queries, String ingestPath, Call ingest) throws Exception {
        try (PreparedStatement delete = db.prepareStatement("DELETE FROM knowledge.chunks WHERE knowledge_base_id = ?")) {
            delete.setObject(1, UUID.fromString(baseId));
            delete.executeUpdate();
        }
        try (Statement statement = db.createStatement()) {
            statement.execute("VACUUM ANALYZE knowledge.chunks");
        }
        Random random = new Random(settings.seed() + 5);
        List<float[]> vectors = new ArrayList<>(settings.searchChunks());
        for (int i = 0; i < settings.searchChunks(); i++) {
            vectors.add(Vectors.randomUnit(MiniLmModel.DIMENSIONS, random));
        }
        String build = load(db, baseId, documents, real, vectors);
        for (String query : queries) {
            api.searchIngest(tenantId, baseId, query, TOP_K, false);
        }
        Series series = measure(ingestPath, settings.concurrency(), settings.requests(), queries, ingest);
        double[] recall = recall(baseId, queries);
        report.append(String.format(Locale.ROOT, "Worst case, the same %,d chunks with uniform random unit vectors"
                        + " instead: %s at concurrency %d p50 %.1f ms, p99 %.1f ms; recall@10 %.3f (worst query %.1f) over %d"
                        + " queries. %s%n%n",
                vectors.size(), ingestPath, series.concurrency(), series.p50(), series.p99(), recall[0], recall[1],
                (int) recall[2], build));
    }

    // --- Helpers ---------------------------------------------------------------------------------

    private static double percentile(long[] sortedNanos, double quantile) {
        int rank = (int) Math.ceil(quantile * sortedNanos.length);
        return sortedNanos[Math.max(0, rank - 1)] / 1e6;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
            return fields[0] + "/" + fields[1] + "/" + fields[2];
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip()).findFirst().orElse("unknown model");
        } catch (Exception e) {
            return "unknown model";
        }
    }

    private static void log(String format, Object... arguments) {
        System.out.printf(Locale.ROOT, "[knowledge-bench] " + format + "%n", arguments);
    }
}
