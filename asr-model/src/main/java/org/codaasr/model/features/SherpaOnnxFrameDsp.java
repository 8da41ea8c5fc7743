package org.codaasr.model.features;

/**
 * kaldi-native-fbank's framing, windows and mel filters as sherpa-onnx uses them, as pure functions on arrays. The
 * filter weights are computed in float32 step for step as kaldi-native-fbank computes them (its edge weights are
 * small differences of float mel values); everything else is in double.
 */
final class SherpaOnnxFrameDsp {

    private SherpaOnnxFrameDsp() {
    }

    /** Frames of {@code n} samples: {@code round(n / shift)} without snip edges, whole frames only with them. */
    static int numFrames(int n, int size, int shift, boolean snipEdges) {
        if (snipEdges) {
            return n < size ? 0 : 1 + (n - size) / shift;
        }
        return (n + shift / 2) / shift;
    }

    /** First sample of frame {@code f}; without snip edges the frame is centred on {@code f * shift + shift / 2}. */
    static long firstSample(int f, int size, int shift, boolean snipEdges) {
        return snipEdges ? (long) f * shift : (long) f * shift + shift / 2 - size / 2;
    }

    /**
     * Sample {@code i} of the signal mirrored at both ends as Kaldi mirrors it: -1 -> 0, -2 -> 1, n -> n - 1
     * (repeatedly, for signals shorter than half a frame).
     */
    static int reflect(long i, int n) {
        long s = i;
        while (s < 0 || s >= n) {
            s = s < 0 ? -s - 1 : 2L * n - 1 - s;
        }
        return (int) s;
    }

    static float[] window(SherpaOnnxFbankConfig.Window type, int size) {
        float[] w = new float[size];
        double a = type == SherpaOnnxFbankConfig.Window.HANN ? 2.0 * Math.PI / size : 2.0 * Math.PI / (size - 1);
        for (int i = 0; i < size; i++) {
            double hann = 0.5 - 0.5 * Math.cos(a * i);
            // kaldi-native-fbank stores its window as float
            w[i] = (float) (type == SherpaOnnxFbankConfig.Window.HANN ? hann : Math.pow(hann, 0.85));
        }
        return w;
    }

    static float kaldiMel(float hz) {
        return 1127.0f * (float) Math.log(1.0f + hz / 700.0f);
    }

    static float slaneyMel(float hz) {
        return hz <= 1000 ? hz * 3 / 200.0f : 15 + 14.545078505785561f * (float) Math.log(hz / 1000);
    }

    static float inverseSlaneyMel(float mel) {
        return mel <= 15 ? 200.0f / 3 * mel : 1000 * (float) Math.exp((mel - 15) * 0.06875177742094911f);
    }

    /** Filter weights [bins][fftBins]: fftBins = padded / 2 for Kaldi filters, padded / 2 + 1 (Nyquist too) for Slaney. */
    static float[][] melBanks(SherpaOnnxFbankConfig c) {
        return c.melScale() == SherpaOnnxFbankConfig.MelScale.KALDI ? kaldiBanks(c) : slaneyBanks(c);
    }

    private static float[][] kaldiBanks(SherpaOnnxFbankConfig c) {
        int bins = c.numMelBins();
        int fftBins = c.paddedWindowSize() / 2;
        float binWidth = (float) c.sampleRate() / c.paddedWindowSize();
        float low = kaldiMel((float) c.lowFreq());
        float high = kaldiMel((float) c.resolvedHighFreq());
        float delta = (high - low) / (bins + 1);
        float[][] banks = new float[bins][fftBins];
        for (int b = 0; b < bins; b++) {
            float left = low + b * delta;
            float center = low + (b + 1) * delta;
            float right = low + (b + 2) * delta;
            for (int i = 0; i < fftBins; i++) {
                float mel = kaldiMel(binWidth * i);
                if (mel > left && mel < right) {
                    banks[b][i] = mel <= center ? (mel - left) / (center - left) : (right - mel) / (right - center);
                }
            }
        }
        return banks;
    }

    private static float[][] slaneyBanks(SherpaOnnxFbankConfig c) {
        int bins = c.numMelBins();
        int fftBins = c.paddedWindowSize() / 2 + 1;
        float binWidth = (float) c.sampleRate() / c.paddedWindowSize();
        float low = slaneyMel((float) c.lowFreq());
        float high = slaneyMel((float) c.resolvedHighFreq());
        float delta = (high - low) / (bins + 1);
        float[][] banks = new float[bins][fftBins];
        for (int b = 0; b < bins; b++) {
            float left = inverseSlaneyMel(low + b * delta);
            float center = inverseSlaneyMel(low + (b + 1) * delta);
            float right = inverseSlaneyMel(low + (b + 2) * delta);
            for (int i = 0; i < fftBins; i++) {
                float hz = binWidth * i;
                if (hz > left && hz < right) {
                    float weight = hz <= center ? (hz - left) / (center - left) : (right - hz) / (right - center);
                    banks[b][i] = weight * (2 / (right - left));
                }
            }
        }
        return banks;
    }
}
