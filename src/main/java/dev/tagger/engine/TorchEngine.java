package dev.tagger.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The one way into DJL: sets the offline switch (no telemetry, no hub, no native download) and the
 * thread counts before anything touches the engine, then starts PyTorch from the native jar.
 */
public final class TorchEngine {

    private TorchEngine() {
    }

    /** Must run before any DJL class is used; idempotent. */
    public static void goOffline() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
    }

    /**
     * Starts (or returns) the PyTorch engine.
     *
     * @param intraOpThreads threads inside one op (0 leaves PyTorch's default)
     * @param interOpThreads threads across ops (0 leaves PyTorch's default)
     */
    public static synchronized Engine start(int intraOpThreads, int interOpThreads) {
        goOffline();
        if (intraOpThreads > 0 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(intraOpThreads));
        }
        if (interOpThreads > 0 && System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(interOpThreads));
        }
        return Engine.getEngine("PyTorch");
    }

    /**
     * Turns autograd off for the calling thread (PyTorch's grad mode is per thread and on by default
     * in new threads). Inference workers call it once; training turns it on only inside a
     * gradient collector, so optimizer updates run untracked.
     */
    public static void noGradOnThisThread() {
        JniUtils.setGradMode(false);
    }

    /** Starts the engine with PyTorch's default thread counts. */
    public static Engine start() {
        return start(0, 0);
    }
}
