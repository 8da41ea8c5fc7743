import ai.onnxruntime.*;
import java.nio.file.*;
import java.util.*;

/**
 * Cross-check of exported graphs in ONNX Runtime (no onnxruntime in the training Python): runs every graph named in
 * the flattened reference (coda_ort_check.sh writes it from coda-reference.json) and compares log_probs
 * (max abs diff over valid frames, limit the third argument, default 1e-3) and coda_selected (exact) with the torch
 * outputs. Exit 1 on mismatch.
 */
public class CodaOrtCheck {
    public static void main(String[] a) throws Exception {
        String dir = a[0];
        double limit = a.length > 2 ? Double.parseDouble(a[2]) : 1e-3;
        List<String> lines = Files.readAllLines(Path.of(a[1]));
        float[] feats = toF(lines.get(0));
        long[] lens = Arrays.stream(lines.get(1).trim().split(" ")).mapToLong(Long::parseLong).toArray();
        int b = lens.length, t = feats.length / b / 80;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int worst = 0;
        for (int i = 2; i + 3 < lines.size() + 1; i += 4) {
            String name = lines.get(i).trim();
            float[] lp = toF(lines.get(i + 1));
            String selLine = lines.get(i + 3).trim();
            try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
                so.setIntraOpNumThreads(1);
                try (OrtSession s = env.createSession(dir + "/" + name, so);
                     OnnxTensor f = OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(feats), new long[]{b, t, 80});
                     OnnxTensor l = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(lens), new long[]{b});
                     OrtSession.Result r = s.run(Map.of("features", f, "feature_lengths", l))) {
                    float[][][] out = (float[][][]) r.get("log_probs").get().getValue();
                    long[] ol = (long[]) r.get("log_prob_lengths").get().getValue();
                    int tp = out[0].length, v = out[0][0].length;
                    double md = 0;
                    for (int x = 0; x < b; x++) for (int y = 0; y < ol[x]; y++) for (int z = 0; z < v; z++)
                        md = Math.max(md, Math.abs(out[x][y][z] - lp[(x * tp + y) * v + z]));
                    String selInfo = "";
                    if (!selLine.isEmpty()) {
                        OnnxValue sv = r.get("coda_selected").get();
                        TensorInfo ti = (TensorInfo) sv.getInfo();
                        boolean[][][] sel = (boolean[][][]) sv.getValue();
                        String[] exp = selLine.split(" ");
                        int mism = 0, n = 0, L = sel[0].length;
                        for (int x = 0; x < b; x++) for (int y = 0; y < L; y++) for (int z = 0; z < tp; z++) {
                            if (sel[x][y][z] != exp[(x * L + y) * tp + z].equals("1")) mism++;
                        }
                        selInfo = " coda_selected " + ti.type + Arrays.toString(ti.getShape()) + " mismatches=" + mism;
                        if (mism > 0) worst = 1;
                    }
                    if (md > limit) worst = 1;
                    System.out.printf("%s: lengths %s max|diff| %.2e%s%n", name, Arrays.toString(ol), md, selInfo);
                    System.out.println("  meta: " + s.getMetadata().getCustomMetadata());
                }
            }
        }
        System.exit(worst);
    }
    static float[] toF(String s) {
        String[] p = s.trim().split(" ");
        float[] f = new float[p.length];
        for (int i = 0; i < p.length; i++) f[i] = Float.parseFloat(p[i]);
        return f;
    }
}
