package org.codaasr.model.features;

/**
 * The per-frame signal processing of Kaldi's fbank as pure functions on arrays, in double precision.
 * Hand-written because no Java library reproduces Kaldi's exact conventions (povey window, replicate-padded
 * pre-emphasis, mel scale 1127 ln(1 + f/700), triangular banks in the mel domain).
 */
final class KaldiFrameDsp {

    private KaldiFrameDsp() {
    }

    /** Kaldi's mel scale: 1127 ln(1 + f / 700). */
    static double melScale(double hz) {
        return 1127.0 * Math.log(1.0 + hz / 700.0);
    }

    /** Inverse of {@link #melScale(double)}. */
    static double inverseMelScale(double mel) {
        return 700.0 * (Math.exp(mel / 1127.0) - 1.0);
    }

    /** Povey window: the symmetric Hann window raised to 0.85. */
    static double[] poveyWindow(int size) {
        double[] window = new double[size];
        double a = 2.0 * Math.PI / (size - 1);
        for (int i = 0; i < size; i++) {
            window[i] = Math.pow(0.5 - 0.5 * Math.cos(a * i), 0.85);
        }
        return window;
    }

    /** Subtracts the frame's mean in place. */
    static void removeDcOffset(double[] frame) {
        double sum = 0;
        for (double v : frame) {
            sum += v;
        }
        double mean = sum / frame.length;
        for (int i = 0; i < frame.length; i++) {
            frame[i] -= mean;
        }
    }

    /**
     * In place {@code x[i] -= coeff * x[i-1]} using the original values, with x[-1] = x[0]
     * (torchaudio pads the frame with a replicated first sample). Runs backwards so each step still
     * reads the un-emphasized predecessor.
     */
    static void preemphasize(double[] frame, double coeff) {
        for (int i = frame.length - 1; i > 0; i--) {
            frame[i] -= coeff * frame[i - 1];
        }
        frame[0] -= coeff * frame[0];
    }

    /**
     * torchaudio {@code get_mel_banks}: weights [numMelBins][paddedSize / 2] over FFT bins
     * 0 .. paddedSize/2 - 1. The Nyquist bin gets no weight (torchaudio pads a zero column for it).
     *
     * <p>Deliberately in float32 arithmetic, step for step like torchaudio, which builds the banks as
     * float32 tensors whatever the input dtype: near a triangle's edge the weight is a small difference of
     * mel values around 2000, so float32 rounding moves it by up to 1.4e-5 (up to 8e-4 relative), which
     * shifts log energies by ~1e-4. Reproducing it keeps the features on what the model was trained on.
     * The mel edges start from double scalars as in torchaudio's {@code mel_scale_scalar}.
     */
    static double[][] melBanks(FbankConfig config) {
        int numBins = config.numMelBins();
        int numFftBins = config.paddedWindowSize() / 2;
        float fftBinWidth = (float) ((double) config.sampleRate() / config.paddedWindowSize());
        double melLowScalar = melScale(config.lowFreq());
        float melLow = (float) melLowScalar;
        float melDelta = (float) ((melScale(config.resolvedHighFreq()) - melLowScalar) / (numBins + 1));
        float[] mel = new float[numFftBins];
        for (int k = 0; k < numFftBins; k++) {
            float hz = fftBinWidth * (float) k;
            mel[k] = 1127.0f * (float) Math.log(1.0f + hz / 700.0f);
        }
        double[][] banks = new double[numBins][numFftBins];
        for (int b = 0; b < numBins; b++) {
            float left = melLow + (float) b * melDelta;
            float center = melLow + ((float) b + 1.0f) * melDelta;
            float right = melLow + ((float) b + 2.0f) * melDelta;
            for (int k = 0; k < numFftBins; k++) {
                float up = (mel[k] - left) / (center - left);
                float down = (right - mel[k]) / (right - center);
                banks[b][k] = Math.max(0.0f, Math.min(up, down));
            }
        }
        return banks;
    }

    /** Centre frequency in Hz of each mel filter. */
    static double[] melCenterFrequencies(FbankConfig config) {
        int numBins = config.numMelBins();
        double melLow = melScale(config.lowFreq());
        double melDelta = (melScale(config.resolvedHighFreq()) - melLow) / (numBins + 1);
        double[] centers = new double[numBins];
        for (int b = 0; b < numBins; b++) {
            centers[b] = inverseMelScale(melLow + (b + 1.0) * melDelta);
        }
        return centers;
    }
}
