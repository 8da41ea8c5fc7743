// Per-call time of raw ORT sessions at given optimization levels (GRAPH@ALL_OPT|EXTENDED_OPT|BASIC_OPT), 1 stream, one JVM.
import ai.onnxruntime.*; import java.nio.*; import java.util.*;
public class Lvl {
  public static void main(String[] a) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    List<String> keys = Arrays.asList(a); Map<String, OrtSession> ss = new LinkedHashMap<>(); Map<String, Double> best = new LinkedHashMap<>();
    for (String k : keys) { String[] p = k.split("@"); OrtSession.SessionOptions o = new OrtSession.SessionOptions();
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.valueOf(p[1])); o.setIntraOpNumThreads(1); ss.put(k, env.createSession(p[0], o)); }
    Random rnd = new Random(0); float[] feat = new float[67*80]; for (int i=0;i<feat.length;i++) feat[i]=10f+3f*(float)rnd.nextGaussian();
    for (int rep = 0; rep < 7; rep++) for (String k : keys) {
      OrtSession s = ss.get(k); Map<String, String> meta = s.getMetadata().getCustomMetadata();
      int slots = meta.containsKey("streaming_att_slots") ? Integer.parseInt(meta.get("streaming_att_slots")) : 0;
      int L = Integer.parseInt(meta.get("layers")), D = Integer.parseInt(meta.get("d_model")), K = Integer.parseInt(meta.get("causal_conv_kernel")) - 1, cf = Integer.parseInt(meta.get("streaming_cache_frames"));
      long[] attShape = slots > 0 ? new long[]{1, 2, slots, D} : new long[]{1, L, 2, cf, D}; long n = 1; for (long v : attShape) n *= v;
      float[] att = new float[(int) n]; for (int i=0;i<att.length;i++) att[i]=(float)rnd.nextGaussian();
      long t0 = System.nanoTime();
      for (int i = 0; i < 40; i++) {
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(feat), new long[]{1, 67, 80});
             OnnxTensor len = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[]{Math.min(cf, 16L * (i % 6))}), new long[]{1});
             OnnxTensor at = OnnxTensor.createTensor(env, FloatBuffer.wrap(att), attShape);
             OnnxTensor cv = OnnxTensor.createTensor(env, FloatBuffer.allocate(L * D * K), new long[]{1, L, D, K});
             OrtSession.Result r = s.run(Map.of("features", x, "cache_len", len, "att_cache", at, "conv_cache", cv))) {}
      }
      best.merge(k, (System.nanoTime() - t0) / 1e6 / 40, Math::min);
    }
    for (var e : best.entrySet()) System.out.printf("%-45s %.2f ms/call%n", e.getKey(), e.getValue());
  }
}
