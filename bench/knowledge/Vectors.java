package bench.knowledge;

import java.util.List;
import java.util.Random;

/** Vector arithmetic for the seeded search set and its statistics. */
final class Vectors {

    private Vectors() {
    }

    static float[] parse(String pgvector) {
        String[] parts = pgvector.substring(1, pgvector.length() - 1).split(",");
        float[] vector = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            vector[i] = Float.parseFloat(parts[i]);
        }
        return vector;
    }

    static String format(float[] vector) {
        StringBuilder text = new StringBuilder(vector.length * 11).append('[');
        for (int i = 0; i < vector.length; i++) {
            if (i > 0) {
                text.append(',');
            }
            text.append(vector[i]);
        }
        return text.append(']').toString();
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static float[] normalise(double[] vector) {
        double norm = 0;
        for (double value : vector) {
            norm += value * value;
        }
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = (float) (vector[i] / Math.sqrt(norm));
        }
        return unit;
    }

    /**
     * {@code w·a + (1−w)·b}, then an isotropic Gaussian direction added with norm {@code noise} times the mix's
     * norm (so the result sits at cosine ≈ 1/√(1+noise²) from the mix), normalised.
     */
    static float[] mix(float[] a, float[] b, double w, double noise, Random random) {
        double[] mixed = new double[a.length];
        double mixedNorm = 0;
        for (int i = 0; i < a.length; i++) {
            mixed[i] = w * a[i] + (1 - w) * b[i];
            mixedNorm += mixed[i] * mixed[i];
        }
        double[] gaussian = new double[a.length];
        double gaussianNorm = 0;
        for (int i = 0; i < a.length; i++) {
            gaussian[i] = random.nextGaussian();
            gaussianNorm += gaussian[i] * gaussian[i];
        }
        double scale = noise * Math.sqrt(mixedNorm / gaussianNorm);
        for (int i = 0; i < a.length; i++) {
            mixed[i] += scale * gaussian[i];
        }
        return normalise(mixed);
    }

    static float[] randomUnit(int dimensions, Random random) {
        double[] vector = new double[dimensions];
        for (int i = 0; i < dimensions; i++) {
            vector[i] = random.nextGaussian();
        }
        return normalise(vector);
    }

    /** Mean cosine of {@code pairs} random pairs of distinct vectors: how spread out a set is (0 = like random). */
    static double meanPairCosine(List<float[]> vectors, int pairs, Random random) {
        double sum = 0;
        for (int i = 0; i < pairs; i++) {
            int a = random.nextInt(vectors.size());
            int b = random.nextInt(vectors.size() - 1);
            sum += cosine(vectors.get(a), vectors.get(b >= a ? b + 1 : b));
        }
        return sum / pairs;
    }
}
