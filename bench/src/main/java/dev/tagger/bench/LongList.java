package dev.tagger.bench;

import java.util.Arrays;

/** A growable list of longs, so that recording a latency does not box. */
final class LongList {

    private long[] data = new long[1024];
    private int size;

    void add(long v) {
        if (size == data.length) {
            data = Arrays.copyOf(data, size * 2);
        }
        data[size++] = v;
    }

    void addAll(LongList other) {
        for (int i = 0; i < other.size; i++) {
            add(other.data[i]);
        }
    }

    int size() {
        return size;
    }

    long[] raw() {
        return data;
    }

    Latency latency() {
        return Latency.ofNanos(data, size);
    }
}
