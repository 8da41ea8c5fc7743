// Outputs of two streaming graphs on the same 6 single-stream calls (random chunk and caches): java -cp CLASSPATH Eq.java A B
import ai.onnxruntime.*; import java.nio.*; import java.util.*;
public class Eq {
  public static void main(String[] a) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions o = new OrtSession.SessionOptions(); o.setIntraOpNumThreads(1);
    OrtSession s1 = env.createSession(a[0], o), s2 = env.createSession(a[1], o);
    Map<String, String> meta = s1.getMetadata().getCustomMetadata();
    int slots = meta.containsKey("streaming_att_slots") ? Integer.parseInt(meta.get("streaming_att_slots")) : 0;
    int L = Integer.parseInt(meta.get("layers")), D = Integer.parseInt(meta.get("d_model")), K = Integer.parseInt(meta.get("causal_conv_kernel")) - 1, cf = Integer.parseInt(meta.get("streaming_cache_frames"));
    long[] attShape = slots > 0 ? new long[]{1, 2, slots, D} : new long[]{1, L, 2, cf, D}; long n = 1; for (long v : attShape) n *= v;
    Random rnd = new Random(1); double worst = 0;
    for (int t = 0; t < 6; t++) {
      float[] feat = new float[67*80]; for (int i=0;i<feat.length;i++) feat[i]=10f+3f*(float)rnd.nextGaussian();
      float[] att = new float[(int) n]; for (int i=0;i<att.length;i++) att[i]=(float)rnd.nextGaussian();
      float[] cv = new float[L*D*K]; for (int i=0;i<cv.length;i++) cv[i]=(float)rnd.nextGaussian();
      long len = Math.min(cf, 16L * t);
      float[][] outs = new float[6][];
      int j = 0;
      for (OrtSession s : List.of(s1, s2)) {
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(feat), new long[]{1, 67, 80});
             OnnxTensor l = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[]{len}), new long[]{1});
             OnnxTensor at = OnnxTensor.createTensor(env, FloatBuffer.wrap(att), attShape);
             OnnxTensor c = OnnxTensor.createTensor(env, FloatBuffer.wrap(cv), new long[]{1, L, D, K});
             OrtSession.Result r = s.run(Map.of("features", x, "cache_len", l, "att_cache", at, "conv_cache", c))) {
          for (int k = 0; k < 3; k++) { FloatBuffer fb = ((OnnxTensor) r.get(k)).getFloatBuffer(); float[] v = new float[fb.remaining()]; fb.get(v); outs[j++] = v; }
        }
      }
      for (int k = 0; k < 3; k++) for (int i = 0; i < outs[k].length; i++) worst = Math.max(worst, Math.abs(outs[k][i] - outs[k+3][i]));
    }
    System.out.printf("%s vs %s: max |diff| over 6 calls (log_probs, caches) %.2e%n", a[0], a[1], worst);
  }
}
