import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.codaasr.model.audio.AudioDecoder;

/**
 * Concatenates the FLACs under a LibriSpeech-layout folder (sorted by path) R times into one 16 kHz 16-bit WAV: a long
 * recording for measuring long-file transcription. Run from the repository root after a build:
 * {@code java -cp "$(cat app/target/classpath.txt):app/target/app-0.1.0-SNAPSHOT.jar" eval/tools/ConcatDev.java DIR R
 * OUT.wav}
 */
public class ConcatDev {

    public static void main(String[] args) throws Exception {
        Path dev = Path.of(args[0]);
        int repeats = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dev)) {
            files = walk.filter(p -> p.toString().endsWith(".flac")).sorted().toList();
        }
        ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        for (int r = 0; r < repeats; r++) {
            for (Path f : files) {
                float[] s = AudioDecoder.load(f, 16000).samples();
                ByteBuffer b = ByteBuffer.allocate(s.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (float x : s) {
                    b.putShort((short) Math.max(-32768, Math.min(32767, Math.round(x * 32768))));
                }
                pcm.write(b.array());
            }
        }
        byte[] data = pcm.toByteArray();
        ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        h.put(ascii("RIFF")).putInt(36 + data.length).put(ascii("WAVE")).put(ascii("fmt ")).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(16000).putInt(32000).putShort((short) 2)
                .putShort((short) 16).put(ascii("data")).putInt(data.length);
        try (OutputStream o = Files.newOutputStream(out)) {
            o.write(h.array());
            o.write(data);
        }
        System.out.printf("%s: %d files x %d = %.1f min%n", out, files.size(), repeats, data.length / 2 / 16000.0 / 60);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
