package org.codaasr.model.features;

/**
 * Settings of the Kaldi-compatible log-mel filterbank, named after the options of
 * {@code torchaudio.compliance.kaldi.fbank}. {@link #defaults()} reproduces the training recipe:
 * {@code fbank(waveform * 32768, num_mel_bins=80, frame_length=25, frame_shift=10, dither=0.0,
 * energy_floor=0.0, sample_frequency=16000)} with the povey window, snip_edges, power spectrum and
 * log output of the torchaudio defaults.
 *
 * @param sampleRate     samples per second of the input
 * @param numMelBins     number of triangular mel filters (feature dimension)
 * @param frameLengthMs  frame (window) length in milliseconds
 * @param frameShiftMs   hop between frames in milliseconds
 * @param preemphasis    pre-emphasis coefficient, 0 disables it
 * @param lowFreq        lower edge of the first mel filter in Hz
 * @param highFreq       upper edge of the last mel filter in Hz; {@code <= 0} means Nyquist + highFreq (Kaldi)
 * @param inputScale     factor applied to the float input samples, 32768 maps [-1, 1] to the int16 range
 * @param energyFloor    Kaldi energy floor; only used with use_energy, which this recipe leaves off
 * @param removeDcOffset subtract each frame's mean before pre-emphasis
 */
public record FbankConfig(int sampleRate, int numMelBins, double frameLengthMs, double frameShiftMs,
                          double preemphasis, double lowFreq, double highFreq, double inputScale,
                          double energyFloor, boolean removeDcOffset) {

    private static final double MS_TO_SECONDS = 0.001;

    public FbankConfig {
        require(sampleRate > 0, "sampleRate must be > 0, got " + sampleRate);
        // Kaldi's MelBanks asserts num_bins >= 3
        require(numMelBins >= 3, "numMelBins must be >= 3, got " + numMelBins);
        require(frameLengthMs > 0 && Double.isFinite(frameLengthMs), "frameLengthMs must be > 0, got " + frameLengthMs);
        require(frameShiftMs > 0 && Double.isFinite(frameShiftMs), "frameShiftMs must be > 0, got " + frameShiftMs);
        require(frameShiftMs <= frameLengthMs,
                "frameShiftMs (" + frameShiftMs + ") must not exceed frameLengthMs (" + frameLengthMs + ")");
        int window = samples(sampleRate, frameLengthMs);
        int shift = samples(sampleRate, frameShiftMs);
        require(window >= 2, "frame length " + frameLengthMs + " ms gives a window of " + window
                + " samples at " + sampleRate + " Hz; need >= 2");
        require(shift >= 1, "frame shift " + frameShiftMs + " ms gives " + shift + " samples at "
                + sampleRate + " Hz; need >= 1");
        require(preemphasis >= 0 && preemphasis <= 1, "preemphasis must be in [0, 1], got " + preemphasis);
        double nyquist = 0.5 * sampleRate;
        require(lowFreq >= 0 && lowFreq < nyquist,
                "lowFreq must be in [0, " + nyquist + "), got " + lowFreq);
        double high = effectiveHighFreq(highFreq, nyquist);
        require(Double.isFinite(highFreq) && high > 0 && high <= nyquist,
                "highFreq must resolve to (0, " + nyquist + "] (values <= 0 count from Nyquist), got " + highFreq);
        require(lowFreq < high, "highFreq (" + high + " Hz) must be above lowFreq (" + lowFreq + " Hz)");
        require(inputScale > 0 && Double.isFinite(inputScale), "inputScale must be > 0, got " + inputScale);
        require(energyFloor >= 0 && Double.isFinite(energyFloor), "energyFloor must be >= 0, got " + energyFloor);
    }

    /** The training recipe's settings: 16 kHz, 80 bins, 25/10 ms, 0.97, 20 Hz..Nyquist, x32768. */
    public static FbankConfig defaults() {
        return new FbankConfig(16000, 80, 25, 10, 0.97, 20, 0, 32768, 0, true);
    }

    /** Samples per frame (400 for the defaults). */
    public int windowSize() {
        return samples(sampleRate, frameLengthMs);
    }

    /** Samples between frame starts (160 for the defaults). */
    public int windowShift() {
        return samples(sampleRate, frameShiftMs);
    }

    /** FFT length: the window size rounded up to a power of two (512 for the defaults). */
    public int paddedWindowSize() {
        int size = windowSize();
        return size == Integer.highestOneBit(size) ? size : Integer.highestOneBit(size) << 1;
    }

    /** Upper edge of the last mel filter in Hz after resolving {@code highFreq <= 0}. */
    public double resolvedHighFreq() {
        return effectiveHighFreq(highFreq, 0.5 * sampleRate);
    }

    // Same truncation as torchaudio: int(sample_frequency * frame_length * 0.001)
    private static int samples(int sampleRate, double ms) {
        return (int) (sampleRate * ms * MS_TO_SECONDS);
    }

    private static double effectiveHighFreq(double highFreq, double nyquist) {
        return highFreq <= 0 ? nyquist + highFreq : highFreq;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("Invalid FbankConfig: " + message);
        }
    }
}
