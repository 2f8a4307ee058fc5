package dev.tagger.model.format;

import dev.tagger.model.format.Archives.ArchiveException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * One archive being unpacked into one directory: the entry and byte counts so far, and the checks each entry
 * passes before anything is written. Every path {@link Archives#unpack} refuses ends here in an
 * {@link ArchiveException}.
 */
final class Unpacker {

    /** The longest GNU long name accepted; real ones are a few hundred bytes. */
    static final int MAX_LONG_NAME = 4096;

    private final Path root;
    private final Archives.Limits limits;
    private final UnpackBudget.Lease lease;
    private long total;
    private int entries;
    /** The entry being read, for the message when the archive turns out corrupt inside it. */
    private String current;

    Unpacker(Path dir, Archives.Limits limits, UnpackBudget.Lease lease) {
        this.root = dir.toAbsolutePath().normalize();
        this.limits = limits;
        this.lease = lease;
    }

    long unzip(InputStream in) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(in)) {
            while (true) {
                ZipEntry e;
                try {
                    e = zip.getNextEntry();
                } catch (IllegalArgumentException bad) {
                    throw new ArchiveException("a zip entry's name is not valid UTF-8");
                }
                if (e == null) {
                    return total;
                }
                current = e.getName();
                entry();
                if (e.isDirectory()) {
                    directory(e.getName());
                    drain(zip);
                } else {
                    file(e.getName(), zip);
                }
            }
        }
    }

    long untar(InputStream in) throws IOException {
        String longName = null;
        while (true) {
            byte[] h = in.readNBytes(512);
            if (h.length < 512) {
                throw new ArchiveException("the tar archive is truncated");
            }
            if (isZero(h)) {
                return total;
            }
            entry();
            String name = cString(h, 0, 100);
            String prefix = cString(h, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            if (longName != null) {
                name = longName;
                longName = null;
            }
            current = name;
            long size = octal(h, 124, 12);
            char type = (char) h[156];
            long pad = (512 - size % 512) % 512;
            switch (type) {
                case '0', '\0', '7' -> {
                    Path target = target(name);
                    count(size);
                    write(target, new BoundedStream(in, size), true);
                    skip(in, pad);
                }
                case '5' -> {
                    directory(name);
                    count(size);
                    skip(in, size + pad);
                }
                case 'L' -> {
                    if (size < 1 || size > MAX_LONG_NAME) {
                        throw new ArchiveException("a tar long-name entry has " + size + " bytes; it must have 1 to "
                                + MAX_LONG_NAME);
                    }
                    count(size);
                    byte[] n = in.readNBytes((int) size);
                    if (n.length < size) {
                        throw new ArchiveException("the tar archive is truncated");
                    }
                    longName = cString(n, 0, n.length);
                    if (longName.isEmpty()) {
                        throw new ArchiveException("a tar long-name entry holds an empty name");
                    }
                    skip(in, pad);
                }
                case 'x', 'g' -> { // pax headers: metadata only, but still bytes to decompress
                    count(size);
                    skip(in, size + pad);
                }
                default -> throw new ArchiveException("tar entry '" + name + "' is a link or special file ('"
                        + printable(type) + "'); only files and directories are accepted");
            }
        }
    }

    /** The name of the entry read last, or null before the first. */
    String current() {
        return current;
    }

    private void entry() {
        if (++entries > limits.maxEntries()) {
            throw new ArchiveException("the archive has more than " + limits.maxEntries() + " entries");
        }
    }

    /** Counts bytes read from the archive against the unpacked-bytes cap, before reading them. */
    private void count(long bytes) {
        if (bytes > limits.maxBytes() - total) {
            throw new ArchiveException("the archive unpacks to more than " + limits.maxBytes() + " bytes");
        }
        total += bytes;
    }

    private Path target(String name) {
        return Archives.safeTarget(root, name);
    }

    private void file(String name, InputStream data) throws IOException {
        write(target(name), data, false);
    }

    private void directory(String name) throws IOException {
        Path target = target(name);
        if (!target.equals(root)) {
            folders(target, name);
        }
    }

    /** Creates {@code dir} and the folders above it, refusing where the archive already put a file. */
    private void folders(Path dir, String name) throws IOException {
        Path p = root;
        for (Path part : root.relativize(dir)) {
            p = p.resolve(part);
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new ArchiveException("archive entry '" + name + "' needs the folder '" + root.relativize(p)
                        + "', which the archive also holds as a file");
            }
            Files.createDirectory(p);
        }
    }

    /**
     * Writes a file's bytes, charging each chunk before it is written; {@code counted}: its size was counted
     * already (tar), else each chunk is counted as it comes (zip, whose sizes may be absent or false).
     */
    private void write(Path target, InputStream in, boolean counted) throws IOException {
        String name = root.relativize(target).toString();
        if (target.equals(root)) {
            throw new ArchiveException("archive entry '" + name + "' has an empty name");
        }
        folders(target.getParent(), name);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new ArchiveException("archive entry '" + name + "' appears twice (as a file or a folder)");
        }
        byte[] buf = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int r; (r = in.read(buf)) > 0; ) {
                if (!counted) {
                    count(r);
                }
                lease.charge(r);
                out.write(buf, 0, r);
            }
        } catch (FileAlreadyExistsException e) {
            throw new ArchiveException("archive entry '" + name + "' appears twice (as a file or a folder)");
        }
    }

    /** Reads what a zip folder entry carries, counting it, so hidden data cannot be decompressed uncounted. */
    private void drain(InputStream in) throws IOException {
        byte[] buf = new byte[1 << 16];
        for (int r; (r = in.read(buf)) > 0; ) {
            count(r);
        }
    }

    private static void skip(InputStream in, long n) throws IOException {
        try {
            in.skipNBytes(n);
        } catch (java.io.EOFException e) {
            throw new ArchiveException("the tar archive is truncated");
        }
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c);
    }

    /** A tar number field: octal digits, space or NUL padded; a sign, a non-digit or base-256 is refused. */
    private static long octal(byte[] b, int off, int len) {
        if ((b[off] & 0x80) != 0) {
            throw new ArchiveException("tar entries with base-256 sizes are not supported");
        }
        String s = cString(b, off, len).trim();
        if (!s.chars().allMatch(c -> c >= '0' && c <= '7')) {
            throw new ArchiveException("the tar archive has a malformed header (a size that is not an octal number)");
        }
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }

    /** Reads at most {@code remaining} bytes of the underlying stream; never closes it. */
    private static final class BoundedStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedStream(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int r = in.read(b, off, (int) Math.min(len, remaining));
            if (r < 0) {
                throw new ArchiveException("the tar archive is truncated");
            }
            remaining -= r;
            return r;
        }
    }
}
