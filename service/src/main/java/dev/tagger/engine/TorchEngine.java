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

    /**
     * Gives the calling thread its own intra-op thread count, leaving every other thread (serving workers,
     * including those that have not run an op yet) at the process setting. PyTorch keeps the count per thread,
     * but setting it also changes the default a thread picks up on first use; that default is read before and
     * put back afterwards from short-lived helper threads, so only the caller keeps the new count.
     */
    public static void setThreadsOfThisThread(int threads) {
        if (threads <= 0) {
            return;
        }
        int[] processDefault = new int[1];
        runOnHelper(() -> processDefault[0] = JniUtils.getNumThreads());
        JniUtils.getNumThreads(); // fixes this thread's own setting first, so the restore below cannot reach it
        JniUtils.setNumThreads(threads);
        runOnHelper(() -> JniUtils.setNumThreads(processDefault[0]));
    }

    private static void runOnHelper(Runnable r) {
        Thread t = new Thread(r, "torch-threads");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting PyTorch thread counts", e);
        }
    }

    /** Starts the engine with PyTorch's default thread counts. */
    public static Engine start() {
        return start(0, 0);
    }
}
