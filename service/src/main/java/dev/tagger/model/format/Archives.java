package dev.tagger.model.format;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unpacks uploaded model archives (zip, tar, tar.gz) safely and writes tar.gz exports.
 *
 * <p>Unpacking refuses, rather than skips, anything that could write outside the target directory: absolute
 * names, {@code ..} segments, links and device entries. It stops at limits on the unpacked bytes and on the
 * number of entries, so a small archive that expands to terabytes (a "zip bomb") is cut off early. The format is
 * recognised from the content (zip and gzip magic bytes, the {@code ustar} marker), not from a name.
 */
public final class Archives {

    /** Limits on what an archive may unpack to. */
    public record Limits(long maxBytes, int maxEntries) {
    }

    /** The archive is malformed, unsafe or over a limit. */
    public static final class ArchiveException extends RuntimeException {
        public ArchiveException(String message) {
            super(message);
        }
    }

    private Archives() {
    }

    /** Unpacks {@code in} (zip, tar or tar.gz) into the existing empty directory {@code dir}; returns the bytes written. */
    public static long unpack(InputStream in, Path dir, Limits limits) throws IOException {
        BufferedInputStream b = new BufferedInputStream(in, 1 << 16);
        b.mark(512);
        byte[] head = b.readNBytes(4);
        b.reset();
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return unzip(b, dir, limits);
        }
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return untar(new BufferedInputStream(new GZIPInputStream(b, 1 << 16), 1 << 16), dir, limits);
        }
        b.mark(600);
        byte[] block = b.readNBytes(512);
        b.reset();
        if (block.length == 512 && new String(block, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
            return untar(b, dir, limits);
        }
        throw new ArchiveException("the upload is not a zip, tar or tar.gz archive");
    }

    private static long unzip(InputStream in, Path dir, Limits limits) throws IOException {
        long total = 0;
        int entries = 0;
        try (ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (++entries > limits.maxEntries()) {
                    throw new ArchiveException("the archive has more than " + limits.maxEntries() + " entries");
                }
                Path target = safeTarget(dir, e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                total += copy(zip, target, limits.maxBytes() - total, limits.maxBytes());
            }
        }
        return total;
    }

    private static long untar(InputStream in, Path dir, Limits limits) throws IOException {
        long total = 0;
        int entries = 0;
        String longName = null;
        while (true) {
            byte[] h = in.readNBytes(512);
            if (h.length < 512) {
                throw new ArchiveException("the tar archive is truncated");
            }
            if (isZero(h)) {
                return total;
            }
            if (++entries > limits.maxEntries()) {
                throw new ArchiveException("the archive has more than " + limits.maxEntries() + " entries");
            }
            String name = cString(h, 0, 100);
            String prefix = cString(h, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            if (longName != null) {
                name = longName;
                longName = null;
            }
            long size = octal(h, 124, 12);
            char type = (char) h[156];
            long padded = (size + 511) / 512 * 512;
            switch (type) {
                case '0', '\0', '7' -> {
                    Path target = safeTarget(dir, name);
                    if (size > limits.maxBytes() - total) {
                        throw tooBig(limits);
                    }
                    total += copy(new BoundedStream(in, size), target, limits.maxBytes() - total, limits.maxBytes());
                    in.skipNBytes(padded - size);
                }
                case '5' -> {
                    Files.createDirectories(safeTarget(dir, name));
                    in.skipNBytes(padded);
                }
                case 'L' -> {
                    if (size > 4096) {
                        throw new ArchiveException("a tar long name is over 4096 bytes");
                    }
                    longName = cString(in.readNBytes((int) size), 0, (int) size);
                    in.skipNBytes(padded - size);
                }
                case 'x', 'g' -> in.skipNBytes(padded); // pax headers: metadata only
                default -> throw new ArchiveException("tar entry '" + name + "' is a link or special file ('"
                        + type + "'); only files and directories are accepted");
            }
        }
    }

    /** Where an entry goes; refuses names that would leave {@code dir}. */
    static Path safeTarget(Path dir, String name) {
        String n = name.replace('\\', '/');
        if (n.isEmpty() || n.startsWith("/") || n.matches("^[A-Za-z]:.*") || n.indexOf('\0') >= 0) {
            throw new ArchiveException("archive entry '" + name + "' has an absolute or empty name");
        }
        for (String seg : n.split("/")) {
            if (seg.equals("..")) {
                throw new ArchiveException("archive entry '" + name + "' leaves the archive ('..')");
            }
        }
        Path root = dir.toAbsolutePath().normalize();
        Path target = root.resolve(n).normalize();
        if (!target.startsWith(root)) {
            throw new ArchiveException("archive entry '" + name + "' leaves the archive");
        }
        return target;
    }

    private static long copy(InputStream in, Path target, long room, long limit) throws IOException {
        Files.createDirectories(target.getParent());
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int r; (r = in.read(buf)) > 0; ) {
                n += r;
                if (n > room) {
                    throw new ArchiveException("the archive unpacks to more than " + limit + " bytes");
                }
                out.write(buf, 0, r);
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new ArchiveException("archive entry '" + target.getFileName() + "' appears twice");
        }
        return n;
    }

    private static ArchiveException tooBig(Limits limits) {
        return new ArchiveException("the archive unpacks to more than " + limits.maxBytes() + " bytes");
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

    private static long octal(byte[] b, int off, int len) {
        if ((b[off] & 0x80) != 0) {
            throw new ArchiveException("tar entries with base-256 sizes are not supported");
        }
        String s = cString(b, off, len).trim();
        try {
            return s.isEmpty() ? 0 : Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new ArchiveException("the tar archive has a malformed header");
        }
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

    /** A gzip-compressed ustar archive of these files (names in map order, mode 0644, all under {@code folder}/). */
    public static byte[] tarGz(String folder, Map<String, byte[]> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            long now = System.currentTimeMillis() / 1000;
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                byte[] h = new byte[512];
                String name = folder + "/" + f.getKey();
                byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
                if (nameBytes.length > 100) {
                    throw new IllegalArgumentException("tar name too long: " + name);
                }
                System.arraycopy(nameBytes, 0, h, 0, nameBytes.length);
                putOctal(h, 100, 8, 0644);
                putOctal(h, 108, 8, 0);
                putOctal(h, 116, 8, 0);
                putOctal(h, 124, 12, f.getValue().length);
                putOctal(h, 136, 12, now);
                h[156] = '0';
                System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
                h[263] = '0';
                h[264] = '0';
                for (int i = 148; i < 156; i++) {
                    h[i] = ' ';
                }
                long sum = 0;
                for (byte x : h) {
                    sum += x & 0xff;
                }
                putOctal(h, 148, 7, sum);
                gz.write(h);
                gz.write(f.getValue());
                int pad = (int) ((512 - f.getValue().length % 512) % 512);
                gz.write(new byte[pad]);
            }
            gz.write(new byte[1024]);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Zero-padded octal digits followed by a NUL, in a field of {@code len} bytes. */
    private static void putOctal(byte[] h, int off, int len, long value) {
        String s = Long.toOctalString(value);
        String padded = "0".repeat(Math.max(0, len - 1 - s.length())) + s;
        byte[] d = padded.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(d, 0, h, off, len - 1);
        h[off + len - 1] = 0;
    }
}
