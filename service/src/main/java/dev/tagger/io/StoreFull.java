package dev.tagger.io;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Tells a write that failed because the disk (or the user's quota) is full from other I/O failures, however deeply
 * it is wrapped: the HTTP layer answers it 507 and a job names it as its reason, in the operating system's words and
 * never with a path or a class name. The JDK has no type for it, only the OS's message (ENOSPC, EDQUOT).
 */
public final class StoreFull {

    /** What Linux, macOS and Windows say for ENOSPC and EDQUOT, in lower case. */
    private static final List<String> WORDS = List.of("no space left on device", "disk quota exceeded",
            "not enough space on the disk");
    /** Deeper cause chains are not walked (a cycle, or a chain that no real failure makes). */
    private static final int MAX_DEPTH = 16;

    private StoreFull() {
    }

    /** The OS's words (e.g. "No space left on device") when {@code failure} or one of its causes is a full disk. */
    public static Optional<String> reason(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            // FileSystemException's message starts with the path; its reason is the OS's words alone.
            String words = t instanceof FileSystemException fs ? fs.getReason()
                    : t instanceof IOException ? t.getMessage() : null;
            if (words != null) {
                String lower = words.toLowerCase(Locale.ROOT);
                for (String w : WORDS) {
                    int at = lower.indexOf(w);
                    if (at >= 0) {
                        return Optional.of(words.substring(at, at + w.length()));
                    }
                }
            }
        }
        return Optional.empty();
    }

    public static boolean is(Throwable failure) {
        return reason(failure).isPresent();
    }

    /**
     * Why a step failed, for a job's reason: a full disk as "the store could not be written: No space left on
     * device", anything else by its message (its class's simple name when it has none).
     */
    public static String describe(Throwable failure) {
        Optional<String> full = reason(failure);
        if (full.isPresent()) {
            return "the store could not be written: " + full.get();
        }
        return failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
    }
}
