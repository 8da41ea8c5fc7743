package org.codaasr.model.audio;

/** What a format decoder produces before downmixing: interleaved frames of {@code channels} samples. */
record InterleavedPcm(float[] samples, int channels, int sampleRate) {

    AudioData toMono() {
        return new AudioData(Downmix.toMono(samples, channels), sampleRate);
    }
}
