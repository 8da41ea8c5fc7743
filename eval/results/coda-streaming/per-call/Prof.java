// ORT profile of 40 single-stream calls of one graph: java -cp CLASSPATH Prof.java GRAPH TAG -> prof-TAG_*.json
import ai.onnxruntime.*; import java.nio.*; import java.util.*;
public class Prof {
  public static void main(String[] a) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT); o.setIntraOpNumThreads(1);
    o.enableProfiling("prof-" + a[1]);
    OrtSession s = env.createSession(a[0], o);
    Map<String, String> meta = s.getMetadata().getCustomMetadata();
    int slots = meta.containsKey("streaming_att_slots") ? Integer.parseInt(meta.get("streaming_att_slots")) : 0;
    int L = Integer.parseInt(meta.get("layers")), D = Integer.parseInt(meta.get("d_model")), K = Integer.parseInt(meta.get("causal_conv_kernel")) - 1, cf = Integer.parseInt(meta.get("streaming_cache_frames"));
    long[] attShape = slots > 0 ? new long[]{1, 2, slots, D} : new long[]{1, L, 2, cf, D};
    long n = 1; for (long v : attShape) n *= v;
    for (int i = 0; i < 40; i++) {
      try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.allocate(67 * 80), new long[]{1, 67, 80});
           OnnxTensor len = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[]{32}), new long[]{1});
           OnnxTensor at = OnnxTensor.createTensor(env, FloatBuffer.allocate((int) n), attShape);
           OnnxTensor cv = OnnxTensor.createTensor(env, FloatBuffer.allocate(L * D * K), new long[]{1, L, D, K});
           OrtSession.Result r = s.run(Map.of("features", x, "cache_len", len, "att_cache", at, "conv_cache", cv))) {}
    }
    System.out.println(s.endProfiling());
  }
}
