package org.codaasr.model.audio;

/** Multichannel to mono by averaging the channels of each frame. */
public final class Downmix {

    private Downmix() {
    }

    /**
     * Averages each frame of {@code channels} interleaved samples into one sample. A trailing
     * incomplete frame is dropped. For {@code channels == 1} the input is returned as is.
     */
    public static float[] toMono(float[] interleaved, int channels) {
        if (channels <= 0) {
            throw new IllegalArgumentException("channels must be > 0, got " + channels);
        }
        if (channels == 1) {
            return interleaved;
        }
        int frames = interleaved.length / channels;
        float[] mono = new float[frames];
        for (int f = 0, i = 0; f < frames; f++) {
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += interleaved[i++];
            }
            mono[f] = (float) (sum / channels);
        }
        return mono;
    }
}
