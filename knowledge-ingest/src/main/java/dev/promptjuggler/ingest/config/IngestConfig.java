package dev.promptjuggler.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    Embedding embedding();

    Processing processing();

    OpenAi openai();

    Search search();

    Url url();

    interface Embedding {

        /**
         * Threads that run the in-process model. Each inference already uses {@link #intraOpThreads()} cores,
         * so one thread keeps the CPU busy without oversubscribing it.
         */
        @WithDefault("1")
        int threads();

        /** Threads that embed search queries, apart from documents' batches so that a search never queues behind one. */
        @WithDefault("1")
        int queryThreads();

        /** Cores one ONNX Runtime inference may use; 0 = every available processor. */
        @WithDefault("0")
        int intraOpThreads();

        /** Texts per model call: larger batches amortise the call, padding to the longest text costs. */
        @WithDefault("32")
        int batchSize();
    }

    interface Processing {

        /** Threads that parse and chunk documents (CPU work kept off the event loop). */
        @WithDefault("2")
        int parserThreads();

        /** How long a document stays claimed by the worker on it; renewed after every embedded batch. */
        @WithDefault("2m")
        Duration lease();

        /**
         * How long a stopping instance waits for the documents in work to finish before it releases their leases
         * (not counted as claims): their unacknowledged records go to another instance, which takes them up where
         * the stored chunks end. At most {@code lease}; Kubernetes' termination grace period must exceed it.
         */
        @WithDefault("30s")
        Duration drain();

        /** How often the sweeper looks for unfinished documents with an expired lease and notices still owed. */
        @WithDefault("30s")
        String sweepEvery();

        /** Unclaimed documents younger than this are left to their knowledge.uploaded event. */
        @WithDefault("5m")
        Duration sweepAfter();

        /**
         * Claims a document may take: one is counted each time processing takes it over from no live lease (its
         * first time, and after the instance on it died or gave up). A document claimed more often ends
         * {@code failed} ("abandoned after N claims") with its notices instead of being taken up for ever, e.g. one
         * that kills or stalls every instance that parses it.
         */
        @WithDefault("5")
        int maxClaims();
    }

    /** The OpenAI-compatible embeddings endpoint, for knowledge bases whose embedding provider is openai. */
    interface OpenAi {

        /**
         * Base URL the client appends {@code /embeddings} to: {@code https://api.openai.com/v1} for OpenAI; the
         * local stack's default (application.properties) is the provider simulator.
         */
        String baseUrl();

        Optional<String> apiKey();

        @WithDefault("60s")
        Duration timeout();
    }

    interface Search {

        /**
         * A metadata-filtered search whose filter leaves at most this many chunks of the base scans them exactly
         * (found through the metadata index) instead of walking the HNSW graph: the graph would visit and drop
         * every chunk the filter refuses, and give up (hnsw.max_scan_tuples) before finding a rare match.
         */
        @WithDefault("5000")
        int exactScanBelow();
    }

    /** URL documents: fetched once, when knowledge-ingest takes the document up, through runtime's GuardedHttp. */
    interface Url {

        /**
         * CIDR ranges a URL document may point at although not public (loopback, private, link-local with the
         * cloud metadata address 169.254.169.254, … are refused otherwise). Default none; the local stack allows
         * loopback.
         */
        Optional<List<String>> allowNetworks();

        /** From the request to the last byte read, DNS lookup included. */
        @WithDefault("10s")
        Duration timeout();

        /** The most bytes of a page read; a larger one fails the document (as a larger upload is refused). */
        @WithDefault("16777216")
        int maxBytes();
    }
}
