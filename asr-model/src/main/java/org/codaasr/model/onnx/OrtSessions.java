package org.codaasr.model.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import org.codaasr.model.AsrException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates ONNX Runtime sessions the same way for every graph of a model folder. */
public final class OrtSessions {

    private static final Logger LOG = LoggerFactory.getLogger(OrtSessions.class);

    /** A session and the execution provider it runs on ({@code CPU}, {@code CUDA:0}). */
    public record Opened(OrtSession session, String provider) {}

    private OrtSessions() {}

    public static Opened open(OrtEnvironment env, Path modelFile, OnnxConfig config) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (config.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(config.intraOpThreads());
            }
            if (config.interOpThreads() > 0) {
                options.setInterOpNumThreads(config.interOpThreads());
            }
            String provider = chooseProvider(options, config);
            return new Opened(env.createSession(modelFile.toString(), options), provider);
        }
    }

    private static String chooseProvider(OrtSession.SessionOptions options, OnnxConfig config) throws OrtException {
        boolean cudaBuilt = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        switch (config.provider()) {
            case CPU:
                return "CPU";
            case CUDA:
                if (!cudaBuilt) {
                    throw new AsrException("CUDA execution provider requested but this ONNX Runtime build has none: "
                            + "build with the Maven profile -Pgpu (onnxruntime_gpu)");
                }
                options.addCUDA(config.cudaDevice());
                return "CUDA:" + config.cudaDevice();
            default:
                if (cudaBuilt) {
                    try {
                        options.addCUDA(config.cudaDevice());
                        return "CUDA:" + config.cudaDevice();
                    } catch (OrtException e) {
                        LOG.warn("CUDA provider present but unusable ({}); falling back to CPU", e.getMessage());
                    }
                }
                return "CPU";
        }
    }
}
