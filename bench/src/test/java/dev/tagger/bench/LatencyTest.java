package dev.tagger.bench;

import org.junit.jupiter.api.Test;

import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatencyTest {

    private static final long MS = 1_000_000L;

    @Test
    void percentilesAreNearestRankInMilliseconds() {
        // 1..100 ms, shuffled order does not matter
        long[] nanos = LongStream.rangeClosed(1, 100).map(i -> (101 - i) * MS).toArray();

        Latency l = Latency.ofNanos(nanos, nanos.length);

        assertThat(l.count()).isEqualTo(100);
        assertThat(l.p50()).isEqualTo(50.0);
        assertThat(l.p95()).isEqualTo(95.0);
        assertThat(l.p99()).isEqualTo(99.0);
        assertThat(l.max()).isEqualTo(100.0);
        assertThat(l.mean()).isCloseTo(50.5, within(1e-9));
    }

    @Test
    void smallSamplesRoundTheRankUp() {
        Latency l = Latency.ofNanos(new long[] {3 * MS, 1 * MS, 2 * MS}, 3);

        assertThat(l.p50()).isEqualTo(2.0);
        assertThat(l.p95()).isEqualTo(3.0);
        assertThat(l.p99()).isEqualTo(3.0);

        Latency one = Latency.ofNanos(new long[] {7 * MS}, 1);
        assertThat(one.p50()).isEqualTo(7.0);
        assertThat(one.p99()).isEqualTo(7.0);
    }

    @Test
    void onlyTheFirstNValuesCountAndTheInputIsNotReordered() {
        long[] nanos = {5 * MS, 1 * MS, 999 * MS, 999 * MS};

        Latency l = Latency.ofNanos(nanos, 2);

        assertThat(l.count()).isEqualTo(2);
        assertThat(l.max()).isEqualTo(5.0);
        assertThat(nanos).containsExactly(5 * MS, 1 * MS, 999 * MS, 999 * MS);
    }

    @Test
    void noSamplesIsEmpty() {
        assertThat(Latency.ofNanos(new long[0], 0)).isEqualTo(Latency.EMPTY);
        assertThat(Latency.EMPTY.count()).isZero();
    }

    @Test
    void longListGrowsPastItsFirstBlockAndMerges() {
        LongList a = new LongList();
        for (long i = 1; i <= 3000; i++) {
            a.add(i * MS);
        }
        LongList b = new LongList();
        b.add(5000 * MS);
        a.addAll(b);

        assertThat(a.size()).isEqualTo(3001);
        Latency l = a.latency();
        assertThat(l.count()).isEqualTo(3001);
        assertThat(l.max()).isEqualTo(5000.0);
        assertThat(l.p50()).isEqualTo(1501.0);
        assertThat(new LongList().latency()).isEqualTo(Latency.EMPTY);
    }
}
