package dev.promptjuggler.ingest;

import dev.promptjuggler.ingest.embedding.MiniLmModel;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The service's entry point: the in-process embedding model starts loading before Quarkus boots, on a thread of its
 * own beside the boot, since the service is ready only once the model is (docs/benchmarks.md, start to ready).
 */
@QuarkusMain
public class IngestMain {

    public static void main(String... args) {
        MiniLmModel.preload();
        Quarkus.run(args);
    }
}
