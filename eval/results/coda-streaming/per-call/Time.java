// Per-call time of streaming graphs in one JVM (OnnxStreamingEncoder, OnnxConfig.defaults(): 1 intra-op thread), best of 5
// passes of CALLS calls, graphs alternating; a cache reset every 10 calls. See README.md, "Per call".
// java -cp asr-model/target/classes:CLASSPATH Time.java MODEL_FOLDER BATCH CALLS GRAPH...
import java.nio.file.*; import java.util.*;
import org.codaasr.model.onnx.*;
public class Time {
  public static void main(String[] a) throws Exception {
    Path dir = Path.of(a[0]); int batch = Integer.parseInt(a[1]); int calls = Integer.parseInt(a[2]);
    List<String> files = Arrays.asList(a).subList(3, a.length);
    Map<String, OnnxStreamingEncoder> enc = new LinkedHashMap<>();
    for (String f : files) enc.put(f, OnnxStreamingEncoder.load(dir.resolve(f), OnnxConfig.defaults()));
    Random rnd = new Random(0);
    float[][][] x = new float[batch][67][80];
    for (float[][] u : x) for (float[] r : u) for (int i = 0; i < 80; i++) r[i] = 10f + 3f * (float) rnd.nextGaussian();
    Map<String, Double> best = new LinkedHashMap<>();
    for (int rep = 0; rep < 5; rep++) for (String f : files) {
      OnnxStreamingEncoder e = enc.get(f);
      List<EncoderCache> c = new ArrayList<>(); for (int b = 0; b < batch; b++) c.add(e.newCache());
      long t0 = System.nanoTime();
      for (int i = 0; i < calls; i++) { if (i % 10 == 0) for (EncoderCache cc : c) cc.reset(); e.encode(x, c); }
      double ms = (System.nanoTime() - t0) / 1e6 / calls;
      best.merge(f, ms, Math::min);
    }
    for (var en : best.entrySet()) System.out.printf("%-40s batch %d  %.2f ms/call%n", en.getKey(), batch, en.getValue());
  }
}
