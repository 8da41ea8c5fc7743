package org.codaasr.ingest;

import org.codaasr.messages.AudioChunker;
import org.codaasr.model.corpus.AudioItem;
import java.time.Duration;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.Reference;
import org.codaasr.model.AsrException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends recordings as chunked audio streams, {@link IngestConfig#concurrency()} at a time.
 *
 * <p>Each open stream's next chunk is due when its audio would have been captured live (stream start +
 * audio time at the chunk's end); the ingestor always sends the earliest-due chunk, so concurrent
 * streams interleave chunk by chunk. With {@code realtime} it sleeps until that moment (a live-like
 * load); otherwise the clock is virtual and chunks go out as fast as the producer takes them, stamped
 * with the time they are sent. A stream's {@link Reference}, when it has one, is sent before its first
 * chunk. The stream id is the utterance id.
 */
public final class AudioIngestor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AudioIngestor.class);

    private final IngestConfig config;
    private final AudioLoader loader;
    private final ChunkSink sink;
    private final AudioChunker chunker;
    private final LongSupplier clock;
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** An ingestor writing to {@code sink}, which it closes on {@link #close()}. */
    public AudioIngestor(IngestConfig config, AudioLoader loader, ChunkSink sink) {
        this(config, loader, sink, System::currentTimeMillis);
    }

    AudioIngestor(IngestConfig config, AudioLoader loader, ChunkSink sink, LongSupplier clock) {
        this.config = config;
        this.loader = loader;
        this.sink = sink;
        this.chunker = new AudioChunker(config.chunkMs());
        this.clock = clock;
    }

    /** An ingestor with its own Kafka producer. */
    public static AudioIngestor toKafka(IngestConfig config, AudioLoader loader) {
        return new AudioIngestor(config, loader, KafkaChunkSink.create(config));
    }

    /**
     * Sends every item as one stream, then flushes; throws {@link AsrException} on a load or send failure. After
     * {@link #stop()} it sends no further chunk and returns what it sent.
     */
    public IngestReport ingest(List<AudioItem> items) {
        long startedMs = clock.getAsLong();
        Counter counter = new Counter();
        PriorityQueue<OpenStream> open = new PriorityQueue<>(
                Comparator.comparingLong(OpenStream::dueMs).thenComparingLong(OpenStream::order));
        Iterator<AudioItem> pending = items.iterator();
        long virtualNowMs = 0;
        long order = 0;
        while (open.size() < config.concurrency() && pending.hasNext()) {
            open.add(openStream(pending.next(), config.realtime() ? clock.getAsLong() : 0, order++, counter));
        }
        while (!open.isEmpty() && !stopped()) {
            OpenStream stream = open.poll();
            AudioChunk chunk = stream.next();
            if (config.realtime()) {
                if (!sleepUntil(chunk.captureTimeMs())) {
                    break;
                }
                sink.send(chunk);
            } else {
                virtualNowMs = chunk.captureTimeMs();
                sink.send(chunk.withCaptureTimeMs(clock.getAsLong()));
            }
            counter.chunk(chunk);
            if (stream.hasNext()) {
                open.add(stream);
            } else if (pending.hasNext()) {
                open.add(openStream(pending.next(), config.realtime() ? clock.getAsLong() : virtualNowMs, order++,
                        counter));
            }
        }
        sink.flush();
        IngestReport report = counter.report(clock.getAsLong() - startedMs);
        LOG.info("ingested {} streams, {} chunks, {} s of audio in {} ms", report.streams(), report.chunks(),
                String.format(java.util.Locale.ROOT, "%.1f", report.audioSeconds()), report.elapsedMs());
        return report;
    }

    private OpenStream openStream(AudioItem item, long startMs, long order, Counter counter) {
        float[] samples = loader.load16k(item.audio());
        String streamId = item.utteranceId();
        item.reference().ifPresent(text -> {
            sink.send(new Reference(item.utteranceId(), streamId, text, item.speaker(), config.runId()));
            counter.references++;
        });
        counter.streams++;
        return new OpenStream(chunker.split(streamId, item.utteranceId(), samples, AudioLoader.SAMPLE_RATE, startMs),
                order);
    }

    /**
     * Streams live audio as one stream for {@code duration}: {@code read} fills a buffer with captured
     * samples and returns how many it got (0 or less ends the stream early).
     */
    public IngestReport ingestLive(String streamId, ToIntFunction<float[]> read, Duration duration) {
        long startedMs = clock.getAsLong();
        Counter counter = new Counter();
        counter.streams = 1;
        int step = chunker.samplesPerChunk(AudioLoader.SAMPLE_RATE);
        long totalSamples = duration.toMillis() * AudioLoader.SAMPLE_RATE / 1000;
        float[] buffer = new float[step];
        long sequence = 0;
        long captured = 0;
        boolean ended = false;
        while (!ended) {
            int wanted = (int) Math.min(step, totalSamples - captured);
            int got = wanted > 0 ? read.applyAsInt(buffer) : 0;
            got = Math.max(0, Math.min(got, wanted));
            captured += got;
            ended = got == 0 || captured >= totalSamples;
            AudioChunk chunk = AudioChunker.chunk(streamId, null, sequence++, buffer, 0, got, AudioLoader.SAMPLE_RATE,
                    ended, clock.getAsLong());
            sink.send(chunk);
            counter.chunk(chunk);
        }
        sink.flush();
        return counter.report(clock.getAsLong() - startedMs);
    }

    /** Waits until {@code wallMs}; false if {@link #stop()} came first. */
    private boolean sleepUntil(long wallMs) {
        long waitMs = wallMs - clock.getAsLong();
        if (waitMs <= 0) {
            return !stopped();
        }
        try {
            return !stopped.await(waitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AsrException("interrupted while pacing audio in real time", e);
        }
    }

    /** Asks a running {@link #ingest} to return after the chunk it is sending (from any thread; Ctrl-C, SIGTERM). */
    public void stop() {
        stopped.countDown();
    }

    private boolean stopped() {
        return stopped.getCount() == 0;
    }

    @Override
    public void close() {
        sink.close();
    }

    /** A stream being sent: its chunks and the position of the next one. */
    private static final class OpenStream {
        private final List<AudioChunk> chunks;
        private final long order;
        private int next;

        OpenStream(List<AudioChunk> chunks, long order) {
            this.chunks = chunks;
            this.order = order;
        }

        long dueMs() {
            return chunks.get(next).captureTimeMs();
        }

        long order() {
            return order;
        }

        AudioChunk next() {
            return chunks.get(next++);
        }

        boolean hasNext() {
            return next < chunks.size();
        }
    }

    private static final class Counter {
        int streams;
        int references;
        long chunks;
        long bytes;
        long samples; // every chunk the ingestor makes is at AudioLoader.SAMPLE_RATE

        void chunk(AudioChunk chunk) {
            chunks++;
            bytes += chunk.payloadLength();
            samples += chunk.sampleCount();
        }

        IngestReport report(long elapsedMs) {
            return new IngestReport(streams, chunks, references, bytes, (double) samples / AudioLoader.SAMPLE_RATE,
                    elapsedMs);
        }
    }
}
