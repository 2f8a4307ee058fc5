package dev.tagger.model.format;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * Unpacks uploaded model archives (zip, tar, tar.gz) safely and writes tar.gz exports.
 *
 * <p>Unpacking refuses, rather than skips, anything that could write outside the target directory: absolute
 * names, {@code ..} segments, links and device entries. It stops at limits on the unpacked bytes and on the
 * number of entries, so a small archive that expands to terabytes (a "zip bomb") is cut off early; entries that
 * write nothing (tar pax and long-name headers, data under a zip folder entry) count against both limits too, so
 * they cannot make the server decompress without bound. The bytes written are charged to a budget shared by all
 * concurrent uploads ({@link UnpackBudget}). The format is recognised from the content (zip and gzip magic
 * bytes, the {@code ustar} marker), not from a name.
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

    /**
     * Unpacks {@code in} (zip, tar or tar.gz) into the existing empty directory {@code dir}, charging every byte it
     * writes to {@code lease} first; returns the bytes written.
     *
     * @throws ArchiveException              the archive is malformed, unsafe or over a limit
     * @throws UnpackBudget.ExhaustedException other uploads hold the shared budget
     */
    public static long unpack(InputStream in, Path dir, Limits limits, UnpackBudget.Lease lease) throws IOException {
        BufferedInputStream b = new BufferedInputStream(in, 1 << 16);
        b.mark(512);
        byte[] head = b.readNBytes(4);
        b.reset();
        Unpacker to = new Unpacker(dir, limits, lease);
        try {
            if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
                return to.unzip(b);
            }
            if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
                return to.untar(new BufferedInputStream(new GZIPInputStream(b, 1 << 16), 1 << 16));
            }
        } catch (EOFException e) {
            throw new ArchiveException("the archive is truncated: it ends inside " + (to.current() == null
                    ? "its compressed data" : "entry '" + shown(to.current()) + "'"));
        } catch (ZipException e) {
            throw new ArchiveException("the archive is corrupt: " + corruption(e, to.current()));
        }
        b.mark(600);
        byte[] block = b.readNBytes(512);
        b.reset();
        if (block.length == 512 && new String(block, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
            return to.untar(b);
        }
        throw new ArchiveException("the upload is not a zip, tar or tar.gz archive");
    }

    /**
     * What a zip or gzip failure means, in words about the archive: the JDK's own text names its decompressor and
     * its internals, not what the sender can fix.
     */
    private static String corruption(ZipException e, String entry) {
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        String of = entry == null ? "" : " of entry '" + shown(entry) + "'";
        if (m.contains("crc")) {
            return "the data" + of + " does not match its CRC checksum";
        }
        if (m.contains("size")) {
            return "the size recorded" + of + " does not match its data";
        }
        if (m.contains("gzip")) {
            return "the gzip header is not valid";
        }
        return "the compressed data" + of + " is not valid deflate data";
    }

    /** Like {@link #unpack(InputStream, Path, Limits, UnpackBudget.Lease)} with a budget of its own. */
    public static long unpack(InputStream in, Path dir, Limits limits) throws IOException {
        try (UnpackBudget.Lease lease = UnpackBudget.unshared().open()) {
            return unpack(in, dir, limits, lease);
        }
    }

    /** The longest name of one entry accepted; checkpoints' names are a few dozen bytes. */
    static final int MAX_NAME_BYTES = 1024;
    /** The longest part of a name between slashes, as file systems store them. */
    static final int MAX_SEGMENT_BYTES = 255;

    /** Where an entry goes; refuses names that would leave {@code dir} or that no file system could store. */
    static Path safeTarget(Path dir, String name) {
        String n = name.replace('\\', '/');
        if (n.isEmpty() || n.startsWith("/") || n.matches("^[A-Za-z]:.*") || n.indexOf('\0') >= 0) {
            throw new ArchiveException("archive entry '" + shown(name) + "' has an absolute or empty name");
        }
        if (n.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new ArchiveException("archive entry '" + shown(name) + "' has a name longer than the limit of "
                    + MAX_NAME_BYTES + " bytes");
        }
        for (String seg : n.split("/")) {
            if (seg.equals("..")) {
                throw new ArchiveException("archive entry '" + shown(name) + "' leaves the archive ('..')");
            }
            if (seg.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                throw new ArchiveException("archive entry '" + shown(name) + "' has a file or folder name longer "
                        + "than the limit of " + MAX_SEGMENT_BYTES + " bytes");
            }
        }
        Path root = dir.toAbsolutePath().normalize();
        Path target;
        try {
            target = root.resolve(n).normalize();
        } catch (InvalidPathException e) {
            throw new ArchiveException("archive entry '" + shown(name) + "' has a name this system cannot store");
        }
        if (!target.startsWith(root)) {
            throw new ArchiveException("archive entry '" + shown(name) + "' leaves the archive");
        }
        return target;
    }

    /** An entry's name for a message: cut when long, so a refusal does not echo kilobytes of it. */
    static String shown(String name) {
        return name.length() <= 120 ? name : name.substring(0, 100) + "... (" + name.length() + " characters)";
    }

    /** A gzip-compressed ustar archive of these files (names in map order, mode 0644, all under {@code folder}/). */
    public static byte[] tarGz(String folder, Map<String, byte[]> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            writeTarGz(bytes, folder, files);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Writes {@link #tarGz} to {@code out} as it compresses, so no whole archive is held in memory. */
    public static void writeTarGz(OutputStream out, String folder, Map<String, byte[]> files) throws IOException {
        for (String key : files.keySet()) {
            if ((folder + "/" + key).getBytes(StandardCharsets.UTF_8).length > 100) {
                throw new IllegalArgumentException("tar name too long: " + folder + "/" + key);
            }
        }
        GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16);
        long now = System.currentTimeMillis() / 1000;
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            gz.write(header(folder + "/" + f.getKey(), f.getValue().length, now));
            gz.write(f.getValue());
            int pad = (int) ((512 - f.getValue().length % 512) % 512);
            gz.write(new byte[pad]);
        }
        gz.write(new byte[1024]);
        gz.finish();
        gz.flush();
    }

    private static byte[] header(String name, long size, long mtime) {
        byte[] h = new byte[512];
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(nameBytes, 0, h, 0, nameBytes.length);
        putOctal(h, 100, 8, 0644);
        putOctal(h, 108, 8, 0);
        putOctal(h, 116, 8, 0);
        putOctal(h, 124, 12, size);
        putOctal(h, 136, 12, mtime);
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
        return h;
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
