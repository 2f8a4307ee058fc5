package dev.tagger.engine;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * A full collection that leaves the Java heap committed close to its live size. After a full collection G1 (and
 * Serial) shrink the heap only down to the size at which {@code MaxHeapFreeRatio} percent of it is free; the default
 * of 70 lets the heap stay at more than three times what is live, so an idle service keeps most of a training job's
 * heap. Both ratios are manageable HotSpot flags: for the one collection this lowers them, then puts back what they
 * were, so that serving and the next job size the heap as the JVM would on its own. Whoever starts the service
 * (a {@code java -jar}, the Maven plugin, the container's script) gets this without a flag of theirs.
 * <p>
 * A ratio that the user chose (on the command line, in {@code JAVA_TOOL_OPTIONS}, in a flags file or through JMX
 * before the first job) is theirs: then neither ratio is touched, since lowering one alone may break the rule that
 * the minimum stays at or below the maximum, and the user's pair says how they want the heap sized.
 */
public final class HeapShrink {

    private static final Logger log = LoggerFactory.getLogger(HeapShrink.class);

    static final String MIN = "MinHeapFreeRatio";
    static final String MAX = "MaxHeapFreeRatio";
    /**
     * The ratios during the collection: at most 30% of the committed heap stays free (live / 0.7), and at least 10%
     * is, so that the first allocations after it do not have to grow the heap at once.
     */
    static final int MIN_DURING = 10;
    static final int MAX_DURING = 30;

    /** Reads and writes VM flags; the platform's HotSpot bean in the service, a stand-in in tests. */
    interface Flags {
        /** The flag, or empty when this VM does not have it. */
        Optional<VMOption> get(String name);

        /** @throws IllegalArgumentException when the VM refuses the value (or the flag is not writable) */
        void set(String name, String value);
    }

    private static final HeapShrink PLATFORM = new HeapShrink(platformFlags(), System::gc);

    private final Flags flags;
    private final Runnable collect;
    /** Whether the ratios are ours to lower; decided at the first collection, before this class ever set them. */
    private Boolean ours;

    HeapShrink(Flags flags, Runnable collect) {
        this.flags = flags;
        this.collect = collect;
    }

    /** This JVM's: System.gc with the ratios lowered where that is allowed. */
    public static HeapShrink platform() {
        return PLATFORM;
    }

    static Flags platformFlags() {
        HotSpotDiagnosticMXBean bean;
        try {
            bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        } catch (RuntimeException | LinkageError e) {
            bean = null;
        }
        if (bean == null) {
            // Not HotSpot (or no management): nothing to lower, the collection alone still runs.
            return null;
        }
        HotSpotDiagnosticMXBean b = bean;
        return new Flags() {
            @Override
            public Optional<VMOption> get(String name) {
                try {
                    return Optional.of(b.getVMOption(name));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }

            @Override
            public void set(String name, String value) {
                b.setVMOption(name, value);
            }
        };
    }

    /**
     * Runs the full collection, with the free-ratio flags lowered around it when they are ours to lower.
     *
     * @return whether the ratios were lowered for it
     */
    public synchronized boolean collect() {
        if (!ours()) {
            collect.run();
            return false;
        }
        String min;
        String max;
        try {
            min = flags.get(MIN).orElseThrow().getValue();
            max = flags.get(MAX).orElseThrow().getValue();
            // The VM checks min <= max on each write: lower the minimum first, so both orders of values stay legal.
            flags.set(MIN, Integer.toString(Math.min(MIN_DURING, Integer.parseInt(min))));
            flags.set(MAX, Integer.toString(MAX_DURING));
        } catch (RuntimeException e) {
            log.debug("the heap free ratios cannot be lowered ({}); the heap keeps its default sizing", e.toString());
            ours = false;
            collect.run();
            return false;
        }
        try {
            collect.run();
        } finally {
            restore(min, max);
        }
        return true;
    }

    private void restore(String min, String max) {
        try {
            // The reverse order of lowering: raise the maximum first, so the minimum never exceeds it.
            flags.set(MAX, max);
            flags.set(MIN, min);
        } catch (RuntimeException e) {
            log.warn("the heap free ratios could not be put back to {}/{}: {}", min, max, e.toString());
        }
    }

    private boolean ours() {
        if (ours == null) {
            ours = flags != null && isDefault(MIN) && isDefault(MAX);
            if (!ours && flags != null) {
                log.info("{} or {} was set for this JVM (or cannot be changed): after a job the heap is sized by them",
                        MIN, MAX);
            }
        }
        return ours;
    }

    private boolean isDefault(String name) {
        return flags.get(name).filter(VMOption::isWriteable)
                .map(o -> o.getOrigin() == VMOption.Origin.DEFAULT || o.getOrigin() == VMOption.Origin.ERGONOMIC)
                .orElse(false);
    }
}
