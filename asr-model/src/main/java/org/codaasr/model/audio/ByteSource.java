package org.codaasr.model.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Bytes read by position: a file without loading it, or an array already in memory. */
interface ByteSource extends AutoCloseable {

    long size();

    /** Fills {@code into} from {@code position} on; fewer bytes only at the end of the source. */
    void read(long position, ByteBuffer into) throws IOException;

    @Override
    void close();

    static ByteSource of(byte[] bytes) {
        return new ByteSource() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public void read(long position, ByteBuffer into) {
                int n = (int) Math.max(0, Math.min(into.remaining(), bytes.length - position));
                into.put(bytes, (int) Math.min(position, bytes.length), n);
            }

            @Override
            public void close() {
            }
        };
    }

    static ByteSource of(FileChannel channel) throws IOException {
        long size = channel.size();
        return new ByteSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public void read(long position, ByteBuffer into) throws IOException {
                long p = position;
                while (into.hasRemaining() && p < size) {
                    int n = channel.read(into, p);
                    if (n < 0) {
                        break;
                    }
                    p += n;
                }
            }

            @Override
            public void close() {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // read-only file: nothing is lost by a failed close
                }
            }
        };
    }
}
