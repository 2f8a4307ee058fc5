package dev.tagger.tools;

import dev.tagger.engine.TorchEngine;
import dev.tagger.text.TextTokenizer;
import dev.tagger.text.TokenizedText;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.Utils;

import java.io.IOException;
import java.io.InputStream;

/**
 * Starts the PyTorch engine and the tokenizer once, then exits: this puts their native libraries into the
 * engine cache ({@code ENGINE_CACHE_DIR}). The container build runs it (through {@code tagger.sh --warmup}) so
 * that a container starts with nothing to extract or download and can run on a read-only root file system.
 *
 * <p>Exit status 0 when both native libraries loaded and did one small computation, 1 otherwise.
 */
public final class EngineWarmup {

    /** The tokenizer.json that ships with the built-in MiniLM (a classpath resource of its Maven artifact). */
    static final String BUILTIN_TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";

    private EngineWarmup() {
    }

    public static void main(String[] args) {
        try {
            System.out.println(run());
            System.exit(0);
        } catch (RuntimeException | IOException | LinkageError e) {
            System.err.println("engine warm-up failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** Loads both native libraries, checks that they compute, and describes what was loaded. */
    static String run() throws IOException {
        TorchEngine.goOffline();
        Engine engine = TorchEngine.start();
        float sum;
        try (NDManager manager = engine.newBaseManager()) {
            NDArray ones = manager.ones(new Shape(2, 3));
            sum = ones.sum().getFloat();
        }
        if (sum != 6f) {
            throw new IllegalStateException("PyTorch computed 1 * 6 = " + sum);
        }

        int tokens;
        try (InputStream in = EngineWarmup.class.getResourceAsStream(BUILTIN_TOKENIZER)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + BUILTIN_TOKENIZER + " is missing");
            }
            try (TextTokenizer tokenizer = new TextTokenizer(in.readAllBytes(), 16)) {
                TokenizedText t = tokenizer.tokenize("warm up");
                tokens = t.length();
            }
        }

        return "engine " + engine.getEngineName() + " " + engine.getVersion()
                + " (DJL " + Engine.getDjlVersion() + ", libtorch " + LibUtils.getLibtorchPath()
                + ", GPUs visible: " + engine.getGpuCount() + "); tokenizer ok (" + tokens + " tokens); "
                + "engine cache " + Utils.getEngineCacheDir();
    }
}
