package org.codaasr.ingest;

/**
 * What one ingest run sent.
 *
 * @param streams      streams sent
 * @param chunks       audio chunks sent
 * @param references   reference transcripts sent
 * @param payloadBytes PCM bytes sent
 * @param audioSeconds audio duration sent
 * @param elapsedMs    wall-clock time of the run
 */
public record IngestReport(int streams, long chunks, int references, long payloadBytes, double audioSeconds,
                           long elapsedMs) {

    /** Seconds of audio sent per second of wall clock. */
    public double speedFactor() {
        return elapsedMs == 0 ? Double.POSITIVE_INFINITY : audioSeconds / (elapsedMs / 1000.0);
    }
}
