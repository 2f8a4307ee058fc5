package dev.tagger.store.local;

import dev.tagger.io.AtomicFiles;
import dev.tagger.io.StoreFull;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

/**
 * The local store as health and readiness see it: DOWN while it cannot be written, because then every upload,
 * training job and deploy fails. Each check writes a small file under the store folder, forces it to disk and
 * deletes it (a hidden temporary, so one left by a crash is removed at the next start), and counts a store with
 * less usable space than a floor as unwritable too: by the time a write fails, a job has already lost its work.
 * Checks are cached for a few seconds, so that probes and scrapes do not each touch the disk.
 */
public final class LocalStoreHealth implements HealthIndicator {

    /** Below this much usable space the store counts as full: a job's model and records need some room. */
    public static final long MIN_FREE_BYTES = 16L * 1024 * 1024;
    static final Duration CACHE = Duration.ofSeconds(3);

    private final Path dir;
    private final long minFreeBytes;
    private final long cacheNanos;
    private Health last;
    private long lastAt;

    public LocalStoreHealth(Path dir) {
        this(dir, MIN_FREE_BYTES, CACHE);
    }

    LocalStoreHealth(Path dir, long minFreeBytes, Duration cache) {
        this.dir = dir.toAbsolutePath().normalize();
        this.minFreeBytes = minFreeBytes;
        this.cacheNanos = cache.toNanos();
    }

    @Override
    public synchronized Health health() {
        long now = System.nanoTime();
        if (last == null || now - lastAt >= cacheNanos) {
            last = check();
            lastAt = now;
        }
        return last;
    }

    private Health check() {
        String problem = null;
        long usable = -1;
        try {
            usable = Files.getFileStore(dir).getUsableSpace();
            probe();
        } catch (IOException e) {
            problem = StoreFull.reason(e).map(r -> "the store cannot be written: " + r)
                    .orElseGet(() -> "the store cannot be written: " + words(e));
        }
        if (problem == null && usable < minFreeBytes) {
            problem = "the store has " + mb(usable) + " free, less than the " + mb(minFreeBytes) + " it needs";
        }
        Health.Builder b = problem == null ? Health.up() : Health.down().withDetail("error", problem)
                .withDetail("effect", "uploads, training jobs and deploys fail (507 when the disk is full) until "
                        + "space is freed; /classify is unaffected");
        b.withDetail("mode", "local").withDetail("dir", dir.toString());
        if (usable >= 0) {
            b.withDetail("usable_bytes", usable).withDetail("min_free_bytes", minFreeBytes);
        }
        return b.build();
    }

    private void probe() throws IOException {
        Path probe = dir.resolve(".health-probe" + AtomicFiles.TEMP_INFIX + UUID.randomUUID());
        try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            // a byte, not an empty file: a full disk still has room for a name, not for a block
            ch.write(ByteBuffer.wrap(new byte[] {'o', 'k', '\n'}));
            ch.force(true);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /** The OS's words for a failure (not the path, not the class), or its message. */
    private static String words(IOException e) {
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }
}
