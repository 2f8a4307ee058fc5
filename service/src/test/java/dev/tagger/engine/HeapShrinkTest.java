package dev.tagger.engine;

import com.sun.management.VMOption;
import com.sun.management.VMOption.Origin;

import org.junit.jupiter.api.Test;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

class HeapShrinkTest {

    /** Flags as HotSpot keeps them: min <= max checked on every write, and a write makes the origin MANAGEMENT. */
    static final class FakeFlags implements HeapShrink.Flags {
        final Map<String, VMOption> options = new HashMap<>();
        final List<String> writes = new ArrayList<>();
        boolean refuse;

        FakeFlags(String min, Origin minOrigin, String max, Origin maxOrigin) {
            options.put(HeapShrink.MIN, new VMOption(HeapShrink.MIN, min, true, minOrigin));
            options.put(HeapShrink.MAX, new VMOption(HeapShrink.MAX, max, true, maxOrigin));
        }

        int value(String name) {
            return Integer.parseInt(options.get(name).getValue());
        }

        @Override
        public Optional<VMOption> get(String name) {
            return Optional.ofNullable(options.get(name));
        }

        @Override
        public void set(String name, String value) {
            if (refuse) {
                throw new IllegalArgumentException("not writeable");
            }
            int v = Integer.parseInt(value);
            if (name.equals(HeapShrink.MIN) && v > value(HeapShrink.MAX)
                    || name.equals(HeapShrink.MAX) && v < value(HeapShrink.MIN)) {
                throw new IllegalArgumentException(name + "=" + value + " breaks min <= max");
            }
            writes.add(name + "=" + value);
            options.put(name, new VMOption(name, value, true, Origin.MANAGEMENT));
        }
    }

    @Test
    void defaultRatiosAreLoweredForTheCollectionOnlyAndPutBack() {
        FakeFlags flags = new FakeFlags("40", Origin.DEFAULT, "70", Origin.DEFAULT);
        List<String> seen = new ArrayList<>();
        HeapShrink shrink = new HeapShrink(flags, () -> seen.add(flags.value(HeapShrink.MIN) + "/"
                + flags.value(HeapShrink.MAX)));

        assertThat(shrink.collect()).isTrue();

        assertThat(seen).containsExactly(HeapShrink.MIN_DURING + "/" + HeapShrink.MAX_DURING);
        assertThat(flags.value(HeapShrink.MIN)).isEqualTo(40);
        assertThat(flags.value(HeapShrink.MAX)).isEqualTo(70);
        // every write passed the VM's own min <= max check (the fake throws otherwise)
        assertThat(flags.writes).containsExactly("MinHeapFreeRatio=10", "MaxHeapFreeRatio=30",
                "MaxHeapFreeRatio=70", "MinHeapFreeRatio=40");
    }

    @Test
    void ourOwnWritesDoNotMakeTheRatiosLookUserSetAtTheNextJob() {
        FakeFlags flags = new FakeFlags("40", Origin.ERGONOMIC, "70", Origin.DEFAULT);
        List<Integer> maxSeen = new ArrayList<>();
        HeapShrink shrink = new HeapShrink(flags, () -> maxSeen.add(flags.value(HeapShrink.MAX)));

        assertThat(shrink.collect()).isTrue();
        assertThat(flags.get(HeapShrink.MAX).orElseThrow().getOrigin()).isEqualTo(Origin.MANAGEMENT);
        assertThat(shrink.collect()).isTrue();

        assertThat(maxSeen).containsExactly(30, 30);
    }

    @Test
    void aRatioTheUserSetLeavesBothAlone() {
        for (Origin user : List.of(Origin.VM_CREATION, Origin.ENVIRON_VAR, Origin.CONFIG_FILE, Origin.MANAGEMENT)) {
            FakeFlags maxSet = new FakeFlags("40", Origin.DEFAULT, "50", user);
            FakeFlags minSet = new FakeFlags("20", user, "70", Origin.DEFAULT);
            int[] runs = new int[1];
            assertThat(new HeapShrink(maxSet, () -> runs[0]++).collect()).isFalse();
            assertThat(new HeapShrink(minSet, () -> runs[0]++).collect()).isFalse();

            assertThat(runs[0]).as("the collection runs all the same").isEqualTo(2);
            assertThat(maxSet.writes).isEmpty();
            assertThat(minSet.writes).isEmpty();
        }
    }

    @Test
    void withoutTheFlagsOrWhenTheVmRefusesThemTheCollectionStillRuns() {
        int[] runs = new int[1];
        assertThat(new HeapShrink(null, () -> runs[0]++).collect()).isFalse();

        FakeFlags refusing = new FakeFlags("40", Origin.DEFAULT, "70", Origin.DEFAULT);
        refusing.refuse = true;
        HeapShrink shrink = new HeapShrink(refusing, () -> runs[0]++);
        assertThat(shrink.collect()).isFalse();
        refusing.refuse = false;
        assertThat(shrink.collect()).as("a refusal is final: not tried at every job").isFalse();

        assertThat(runs[0]).isEqualTo(3);
        assertThat(refusing.writes).isEmpty();
        assertThat(refusing.value(HeapShrink.MAX)).isEqualTo(70);
    }

    @Test
    void thisJvmsHeapIsCommittedCloseToItsLiveSizeAfterTheCollection() {
        HeapShrink.Flags real = HeapShrink.platformFlags();
        assumeThat(real).as("a HotSpot VM").isNotNull();
        VMOption max = real.get(HeapShrink.MAX).orElseThrow();
        VMOption min = real.get(HeapShrink.MIN).orElseThrow();
        // MANAGEMENT too: a test before this one may have run a job, whose collection set the ratios and put them back
        assumeThat(List.of(max.getOrigin(), min.getOrigin())).as("the test JVM was started without the ratios")
                .allMatch(o -> o == Origin.DEFAULT || o == Origin.ERGONOMIC || o == Origin.MANAGEMENT);
        assumeThat(ManagementFactory.getGarbageCollectorMXBeans()).as("G1, the default collector")
                .extracting(GarbageCollectorMXBean::getName).contains("G1 Young Generation");

        // Grow the heap the way a job does: a few hundred MB live for a while, then garbage.
        List<byte[]> job = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            job.add(new byte[4 << 20]);
        }
        assertThat(job).hasSize(64);
        job = null;
        String[] during = new String[2];
        // the real flags, with the origin this JVM had before any job (the decision itself is tested above)
        HeapShrink.Flags asStarted = new HeapShrink.Flags() {
            @Override
            public Optional<VMOption> get(String name) {
                return real.get(name).map(o -> new VMOption(o.getName(), o.getValue(), o.isWriteable(),
                        Origin.DEFAULT));
            }

            @Override
            public void set(String name, String value) {
                real.set(name, value);
            }
        };
        HeapShrink shrink = new HeapShrink(asStarted, () -> {
            during[0] = real.get(HeapShrink.MIN).orElseThrow().getValue();
            during[1] = real.get(HeapShrink.MAX).orElseThrow().getValue();
            System.gc();
        });

        assertThat(shrink.collect()).isTrue();

        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        assertThat(during).containsExactly("10", "30");
        assertThat(real.get(HeapShrink.MIN).orElseThrow().getValue()).isEqualTo(min.getValue());
        assertThat(real.get(HeapShrink.MAX).orElseThrow().getValue()).isEqualTo(max.getValue());
        // At most 30% free, plus a margin for G1's region granularity and what the test run allocated since.
        assertThat(heap.getCommitted()).isLessThanOrEqualTo(heap.getUsed() * 10 / 7 + (32L << 20));
    }
}
