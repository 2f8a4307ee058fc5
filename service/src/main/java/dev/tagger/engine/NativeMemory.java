package dev.tagger.engine;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the C heap's free pages back to the operating system. PyTorch's CPU tensors come from malloc; a training
 * job allocates and frees gigabytes of them from several threads, and glibc keeps what was freed in its arenas, so
 * without a trim the process stays at its training peak while it idles and serves. {@code malloc_trim(0)} returns
 * the free pages at the top and in the middle of every arena. Where there is no glibc (musl, macOS, Windows) this
 * does nothing: those allocators return memory on their own terms.
 */
public final class NativeMemory {

    private static final Logger log = LoggerFactory.getLogger(NativeMemory.class);

    /** Null once malloc_trim proved unavailable, so later calls cost nothing. */
    private static volatile Function mallocTrim = lookUp();

    private NativeMemory() {
    }

    private static Function lookUp() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return null;
        }
        try {
            return NativeLibrary.getInstance("c").getFunction("malloc_trim");
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            log.debug("malloc_trim is not available here ({}): freed native memory stays with the allocator", e.toString());
            return null;
        }
    }

    /**
     * After a large piece of work (a training job): a full collection, then {@link #trim()}. The job leaves hundreds
     * of megabytes of garbage on the Java heap; G1 keeps the regions it committed for them until a full collection
     * sizes the heap to what is live, and an idle service may not collect for hours; {@link HeapShrink} has that
     * collection give back all but a small margin over the live heap, where the default sizing would keep it
     * several times larger. Collecting first also frees the native memory of any tensor that only a collection
     * releases, so the trim finds it free. The pause is that of one full collection of the live heap, once per job.
     */
    public static void releaseAfterWork() {
        HeapShrink.platform().collect();
        trim();
    }

    /**
     * Returns the C heap's free memory to the operating system.
     *
     * @return whether a trim ran (false where malloc_trim does not exist)
     */
    public static boolean trim() {
        Function f = mallocTrim;
        if (f == null) {
            return false;
        }
        try {
            f.invokeInt(new Object[] {0});
            return true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            log.debug("malloc_trim failed ({}); not trying again", e.toString());
            mallocTrim = null;
            return false;
        }
    }
}
