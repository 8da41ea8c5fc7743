package org.codaasr.model.ctc;

/** Builders for small log-probability matrices used by the decoder tests. */
final class CtcTestData {

    private CtcTestData() {
    }

    /** ln of each row of probabilities (rows must sum to 1). */
    static float[][] log(double[][] probs) {
        float[][] out = new float[probs.length][];
        for (int t = 0; t < probs.length; t++) {
            double sum = 0;
            out[t] = new float[probs[t].length];
            for (int v = 0; v < probs[t].length; v++) {
                out[t][v] = (float) Math.log(probs[t][v]);
                sum += probs[t][v];
            }
            if (Math.abs(sum - 1.0) > 1e-9) {
                throw new IllegalArgumentException("row " + t + " sums to " + sum);
            }
        }
        return out;
    }

    /** A frame where {@code token} has probability p and the other V-1 tokens share the rest equally. */
    static double[] peak(int vocabularySize, int token, double p) {
        double[] row = new double[vocabularySize];
        java.util.Arrays.fill(row, (1.0 - p) / (vocabularySize - 1));
        row[token] = p;
        return row;
    }
}
