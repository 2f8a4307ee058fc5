package dev.tagger.model.format;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The disk that unpacking uploads may take at once, shared by every upload in the process: each upload opens a
 * {@link Lease}, charges the bytes it writes before writing them, and gives them all back when its files are gone.
 * A per-archive cap alone would let N concurrent uploads take N times that cap.
 */
public final class UnpackBudget {

    private final long capacity;
    private final AtomicLong used = new AtomicLong();

    public UnpackBudget(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the unpack budget must be positive");
        }
        this.capacity = capacity;
    }

    /** A budget nobody else shares, for callers that unpack one archive alone (tools, tests). */
    public static UnpackBudget unshared() {
        return new UnpackBudget(Long.MAX_VALUE);
    }

    public long capacity() {
        return capacity;
    }

    /** Bytes charged by open leases. */
    public long inUse() {
        return used.get();
    }

    public Lease open() {
        return new Lease();
    }

    /** The budget is spent by other uploads; this one may succeed once they finish. */
    public static final class ExhaustedException extends RuntimeException {
        private final long capacity;

        ExhaustedException(long capacity) {
            super("uploads being unpacked now take the whole unpack budget of " + capacity
                    + " bytes (tagger.models.max-unpacked-bytes); retry later");
            this.capacity = capacity;
        }

        public long capacity() {
            return capacity;
        }
    }

    /** One upload's share; closing it returns every byte it charged. Not for use by two threads at once. */
    public final class Lease implements AutoCloseable {
        private long held;

        private Lease() {
        }

        /** Takes {@code bytes} more from the budget, or throws {@link ExhaustedException} and takes none. */
        public void charge(long bytes) {
            if (used.addAndGet(bytes) > capacity) {
                used.addAndGet(-bytes);
                throw new ExhaustedException(capacity);
            }
            held += bytes;
        }

        public long held() {
            return held;
        }

        @Override
        public void close() {
            used.addAndGet(-held);
            held = 0;
        }
    }
}
