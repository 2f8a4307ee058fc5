package dev.tagger.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Small files that are either wholly old or wholly new after a crash: the bytes go to a hidden temporary sibling
 * ({@code .NAME.tmp-UUID}), are forced to disk, and the temporary replaces the file in one atomic rename. The
 * folder holding the new name is forced to disk after the rename too: until it is, a crash can lose the
 * rename itself, leaving the old file (or none) after a write that was reported done. Every atomic rename in the
 * service goes through {@link #write} or {@link #move}.
 */
public final class AtomicFiles {

    /** Marks temporaries: hidden (leading dot) and carrying this infix. */
    public static final String TEMP_INFIX = ".tmp-";

    private AtomicFiles() {
    }

    public static void write(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + file.getFileName() + TEMP_INFIX + UUID.randomUUID());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceFolder(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Renames {@code from} to {@code to} atomically (a file or a whole folder, e.g. a staged bundle) and forces the
     * folders holding both names to disk, so the rename survives a crash once this returns.
     */
    public static void move(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        Path toDir = to.toAbsolutePath().getParent();
        Path fromDir = from.toAbsolutePath().getParent();
        forceFolder(toDir);
        if (!fromDir.equals(toDir)) {
            forceFolder(fromDir);
        }
    }

    /** Forces a folder's entries (names created, renamed or removed in it) to disk. */
    public static void forceFolder(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Whether a name is one of these temporaries (or a bundle's, which follows the same pattern). */
    public static boolean isTemporary(String name) {
        return name.startsWith(".") && name.contains(TEMP_INFIX);
    }

    /** Deletes the temporaries left in {@code dir} by writes that a crash interrupted; returns how many. */
    public static int removeTemporaries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (isTemporary(p.getFileName().toString())) {
                    deleteRecursively(p);
                    removed++;
                }
            }
        }
        return removed;
    }

    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
