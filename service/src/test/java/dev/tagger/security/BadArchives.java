package dev.tagger.security;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Model archives that must be refused: zip and tar written byte by byte, so that they can hold what the JDK's
 * writers refuse to write (a name twice, a file and a folder of the same name, a size of -1, a lying CRC, a link).
 * None holds a loadable checkpoint, so none can register a model.
 */
final class BadArchives {

    /** One archive: what is wrong with it, its bytes and the Content-Type it is sent with. */
    record Case(String what, byte[] bytes, String contentType) {
    }

    /** A zip entry; {@code crcDelta} and {@code sizeDelta} make its header lie about its data. */
    record ZipItem(byte[] name, byte[] data, boolean deflate, int crcDelta, int sizeDelta) {

        static ZipItem of(String name, byte[] data) {
            return new ZipItem(name.getBytes(StandardCharsets.UTF_8), data, false, 0, 0);
        }

        static ZipItem deflated(String name, byte[] data) {
            return new ZipItem(name.getBytes(StandardCharsets.UTF_8), data, true, 0, 0);
        }
    }

    /** A tar entry; {@code size} is written into the header as it is (octal digits, or not). */
    record TarItem(String name, String size, char type, byte[] data, String prefix) {

        static TarItem file(String name, byte[] data) {
            return new TarItem(name, Long.toOctalString(data.length), '0', data, "");
        }
    }

    private static final byte[] CONFIG = "{\"architectures\": [\"BertForSequenceClassification\"]}"
            .getBytes(StandardCharsets.UTF_8);

    private BadArchives() {
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        byte[] x = "x".getBytes(StandardCharsets.UTF_8);
        // Zip: layout conflicts and names that leave the folder.
        out.add(zipCase("a zip holding the file f and f/x", ZipItem.of("f", x), ZipItem.of("f/x", x)));
        out.add(zipCase("a zip holding f/x and then the file f", ZipItem.of("f/x", x), ZipItem.of("f", x)));
        out.add(zipCase("a zip holding the folder f/ and then the file f", ZipItem.of("f/", new byte[0]),
                ZipItem.of("f", x)));
        out.add(zipCase("a zip holding config.json twice", ZipItem.of("config.json", CONFIG),
                ZipItem.of("config.json", CONFIG)));
        out.add(zipCase("a zip entry ../escape", ZipItem.of("../escape", x)));
        out.add(zipCase("a zip entry a/../../escape", ZipItem.of("a/../../escape", x)));
        out.add(zipCase("a zip entry with an absolute name", ZipItem.of("/etc/abuse", x)));
        out.add(zipCase("a zip entry with a drive letter", ZipItem.of("C:\\abuse", x)));
        out.add(zipCase("a zip entry with a backslash escape", ZipItem.of("..\\..\\escape", x)));
        out.add(zipCase("a zip entry with an empty name", ZipItem.of("", x)));
        out.add(zipCase("a zip entry named .", ZipItem.of(".", x)));
        out.add(zipCase("a zip entry named ./", ZipItem.of("./", x)));
        out.add(zipCase("a zip entry with a NUL in its name", ZipItem.of("config.json\0.txt", x)));
        out.add(zipCase("a zip entry whose name is invalid UTF-8",
                new ZipItem(new byte[] {'a', (byte) 0xff, (byte) 0xfe}, x, false, 0, 0)));
        out.add(zipCase("a zip entry whose name is an encoded surrogate",
                new ZipItem(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, x, false, 0, 0)));
        out.add(zipCase("a zip entry with a 4000-character name", ZipItem.of("n".repeat(4000), x)));
        out.add(zipCase("a zip entry nested 300 folders deep", ZipItem.of("d/".repeat(300) + "f", x)));
        out.add(zipCase("a zip entry with a lying CRC", new ZipItem("config.json".getBytes(StandardCharsets.UTF_8),
                CONFIG, false, 1, 0)));
        out.add(zipCase("a zip entry with a lying size", new ZipItem("config.json".getBytes(StandardCharsets.UTF_8),
                CONFIG, false, 0, 7)));
        out.add(zipCase("a deflated zip entry with a lying CRC", new ZipItem(
                "config.json".getBytes(StandardCharsets.UTF_8), CONFIG, true, 3, 0)));
        out.add(zipCase("a zip folder entry that carries data", ZipItem.of("folder/", CONFIG)));
        out.add(zipCase("a zip of nothing but config.json (no weights)", ZipItem.of("config.json", CONFIG)));
        out.add(zipCase("a zip whose config.json is 10000 nested arrays",
                ZipItem.of("config.json", ("[".repeat(10_000) + "]".repeat(10_000)).getBytes(StandardCharsets.UTF_8))));
        out.add(zipCase("a zip whose config.json holds a 5000-digit number",
                ZipItem.of("config.json", ("{\"num_labels\": " + "9".repeat(5000) + "}").getBytes(StandardCharsets.UTF_8))));
        out.add(zipCase("a zip whose config.json is invalid UTF-8",
                ZipItem.of("config.json", new byte[] {'{', '"', (byte) 0xc3, (byte) 0x28, '"', ':', '1', '}'})));
        out.add(zipCase("a zip whose config.json holds a lone surrogate", ZipItem.of("config.json",
                "{\"architectures\": [\"\\ud800\"], \"id2label\": {\"0\": \"\\udfff\"}}".getBytes(StandardCharsets.UTF_8))));
        out.add(zipCase("a zip whose model.safetensors header claims 2^63 bytes", ZipItem.of("config.json", CONFIG),
                ZipItem.of("tokenizer.json", "{}".getBytes(StandardCharsets.UTF_8)),
                ZipItem.of("model.safetensors", new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f, '{'})));
        out.add(zipCase("a zip whose model.safetensors header is not JSON", ZipItem.of("config.json", CONFIG),
                ZipItem.of("tokenizer.json", "{}".getBytes(StandardCharsets.UTF_8)),
                ZipItem.of("model.safetensors", cat(new byte[] {4, 0, 0, 0, 0, 0, 0, 0}, "{{{{".getBytes(StandardCharsets.UTF_8)))));
        out.add(zipCase("a zip holding a model.pt that is not TorchScript", ZipItem.of("model.pt", x)));
        List<ZipItem> many = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            many.add(ZipItem.of("f" + i, x));
        }
        out.add(zipCase("a zip of 150 entries, over the entry limit", many.toArray(ZipItem[]::new)));
        // Zip bombs that stay within the unpack limit: they must unpack, and then be refused as no checkpoint.
        byte[] zeros = new byte[16 * 1024 * 1024];
        out.add(zipCase("a zip bomb: one deflated entry of 16 MiB of zeros", ZipItem.deflated("config.json", zeros)));
        List<ZipItem> spread = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            spread.add(ZipItem.deflated("part" + i + ".bin", Arrays.copyOf(zeros, 256 * 1024)));
        }
        out.add(zipCase("a zip bomb: 60 deflated entries of 256 KiB of zeros", spread.toArray(ZipItem[]::new)));
        byte[] inner = zip(List.of(ZipItem.deflated("inner.bin", zeros)));
        out.add(zipCase("a zip bomb inside a zip", ZipItem.deflated("inner.zip", inner)));
        // Cut zips.
        byte[] good = zip(List.of(ZipItem.of("config.json", CONFIG), ZipItem.deflated("tokenizer.json", CONFIG)));
        for (int cut : new int[] {4, 10, 30, 45, good.length / 2, good.length - 30}) {
            out.add(new Case("a zip cut after " + cut + " of " + good.length + " bytes", Arrays.copyOf(good, cut),
                    "application/zip"));
        }
        out.add(new Case("only the zip magic bytes", new byte[] {'P', 'K', 3, 4}, "application/zip"));
        out.add(new Case("a zip's central directory alone", Arrays.copyOfRange(good, good.length - 22, good.length),
                "application/zip"));
        byte[] deflatedCut = zip(List.of(ZipItem.deflated("config.json", zeros)));
        out.add(new Case("a deflated zip bomb cut in its data", Arrays.copyOf(deflatedCut, deflatedCut.length / 2),
                "application/zip"));

        // Tar: GNU long names, pax headers, links, numbers that are not octal.
        out.add(tarCase("a tar whose L long-name entry has size -1", new TarItem("././@LongLink", "-1", 'L',
                new byte[0], ""), TarItem.file("config.json", CONFIG)));
        out.add(tarCase("a tar whose L long-name entry has size 0", new TarItem("././@LongLink", "0", 'L',
                new byte[0], ""), TarItem.file("config.json", CONFIG)));
        out.add(tarCase("a tar whose L long-name entry claims 1 GiB", new TarItem("././@LongLink",
                Long.toOctalString(1L << 30), 'L', new byte[0], "")));
        out.add(tarCase("a tar whose L long-name entry holds ../escape", new TarItem("././@LongLink", "11", 'L',
                "../escape\0\0".getBytes(StandardCharsets.UTF_8), ""), TarItem.file("harmless", x)));
        out.add(tarCase("a tar whose L long-name entry holds only NULs", new TarItem("././@LongLink", "4", 'L',
                new byte[4], ""), TarItem.file("harmless", x)));
        out.add(tarCase("a tar ending with an L long-name entry", new TarItem("././@LongLink", "5", 'L',
                "name\0".getBytes(StandardCharsets.UTF_8), "")));
        out.add(tarCase("a tar with a pax x header", new TarItem("PaxHeaders/config.json", "36", 'x',
                "30 path=../../../../etc/passwd\n\0\0\0\0\0\0".getBytes(StandardCharsets.UTF_8), ""),
                TarItem.file("config.json", CONFIG)));
        out.add(tarCase("a tar with a pax g header", new TarItem("GlobalHead", "20", 'g',
                "20 comment=abuseabu\n".getBytes(StandardCharsets.UTF_8), ""), TarItem.file("config.json", CONFIG)));
        out.add(tarCase("a tar whose pax header claims 64 GiB", new TarItem("PaxHeaders/x", "777777777777", 'x',
                new byte[0], "")));
        out.add(tarCase("a tar whose pax header has a garbage record", new TarItem("PaxHeaders/x", "10", 'x',
                "zz\u0000\u0001garbage".getBytes(StandardCharsets.UTF_8), ""), TarItem.file("config.json", CONFIG)));
        out.add(tarCase("a tar with a symbolic link", new TarItem("link", "0", '2', new byte[0], "")));
        out.add(tarCase("a tar with a hard link", new TarItem("link", "0", '1', new byte[0], "")));
        out.add(tarCase("a tar with a character device", new TarItem("dev", "0", '3', new byte[0], "")));
        out.add(tarCase("a tar with a FIFO", new TarItem("fifo", "0", '6', new byte[0], "")));
        out.add(tarCase("a tar with an unknown entry type", new TarItem("what", "0", 'Z', new byte[0], "")));
        out.add(tarCase("a tar entry with size -1", new TarItem("config.json", "-1", '0', new byte[0], "")));
        out.add(tarCase("a tar entry with a size that is not octal", new TarItem("config.json", "99zz", '0',
                new byte[0], "")));
        out.add(tarCase("a tar entry whose size claims more than it holds", new TarItem("config.json", "777777",
                '0', CONFIG, "")));
        out.add(tarCase("a tar entry ../escape", TarItem.file("../escape", x)));
        out.add(tarCase("a tar entry with an absolute name", TarItem.file("/etc/abuse", x)));
        out.add(tarCase("a tar entry whose prefix leaves the folder", new TarItem("x", "1", '0', x, "../..")));
        out.add(tarCase("a tar holding the file f and f/x", TarItem.file("f", x), TarItem.file("f/x", x)));
        out.add(tarCase("a tar holding the file f and the folder f/", TarItem.file("f", x),
                new TarItem("f/", "0", '5', new byte[0], "")));
        out.add(tarCase("a tar holding config.json twice", TarItem.file("config.json", CONFIG),
                TarItem.file("config.json", CONFIG)));
        out.add(tarCase("a tar entry name of invalid UTF-8", TarItem.file(new String(new byte[] {'a', (byte) 0xff},
                StandardCharsets.ISO_8859_1), x)));
        byte[] base256 = tar(List.of(TarItem.file("config.json", CONFIG)));
        base256[124] = (byte) 0x80;
        out.add(new Case("a tar entry with a base-256 size", base256, "application/x-tar"));
        byte[] tar = tar(List.of(TarItem.file("config.json", CONFIG), TarItem.file("tokenizer.json", CONFIG)));
        for (int cut : new int[] {100, 511, 512, 600, 1024, 1100, tar.length - 1024}) {
            out.add(new Case("a tar cut after " + cut + " of " + tar.length + " bytes", Arrays.copyOf(tar, cut),
                    "application/x-tar"));
        }
        out.add(new Case("a tar with no end-of-archive blocks", Arrays.copyOf(tar, tar.length - 1024),
                "application/x-tar"));
        // Gzip: cut, garbage inside, a bomb within the limits.
        byte[] tgz = gzip(tar);
        out.add(new Case("a tar.gz cut in half", Arrays.copyOf(tgz, tgz.length / 2), "application/gzip"));
        out.add(new Case("a tar.gz of its gzip header only", Arrays.copyOf(tgz, 10), "application/gzip"));
        out.add(new Case("the gzip magic bytes alone", new byte[] {0x1f, (byte) 0x8b}, "application/gzip"));
        byte[] corrupt = tgz.clone();
        for (int i = 12; i < corrupt.length - 8; i += 7) {
            corrupt[i] ^= 0x5a;
        }
        out.add(new Case("a tar.gz whose deflate stream is corrupt", corrupt, "application/gzip"));
        byte[] badTrailer = tgz.clone();
        badTrailer[badTrailer.length - 5] ^= 1;
        out.add(new Case("a tar.gz whose CRC trailer is wrong", badTrailer, "application/gzip"));
        out.add(new Case("a gzip of something that is not a tar", gzip("not a tar at all".getBytes(StandardCharsets.UTF_8)),
                "application/gzip"));
        out.add(new Case("a tar.gz bomb: 16 MiB of zeros in one entry", gzip(tar(List.of(TarItem.file("big.bin",
                zeros)))), "application/gzip"));
        out.add(new Case("a gzip of 16 MiB of zeros (no tar inside)", gzip(zeros), "application/gzip"));
        out.add(new Case("a gzip inside a gzip", gzip(gzip(tar)), "application/gzip"));
        // Not archives at all.
        out.add(new Case("an empty body", new byte[0], "application/zip"));
        out.add(new Case("JSON sent as a zip", CONFIG, "application/zip"));
        out.add(new Case("a tar sent as application/zip", tar, "application/zip"));
        out.add(new Case("random bytes", random(4096, 7), "application/octet-stream"));
        out.add(new Case("512 bytes with the ustar marker and nothing else", ustarOnly(), "application/x-tar"));
        return out;
    }

    private static Case zipCase(String what, ZipItem... items) {
        return new Case(what, zip(List.of(items)), "application/zip");
    }

    private static Case tarCase(String what, TarItem... items) {
        return new Case(what, tar(List.of(items)), "application/x-tar");
    }

    /** A zip with local headers, data and a central directory, exactly as the items say. */
    static byte[] zip(List<ZipItem> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        for (ZipItem item : items) {
            CRC32 crc = new CRC32();
            crc.update(item.data());
            byte[] stored = item.deflate() ? deflate(item.data()) : item.data();
            long crcValue = crc.getValue() + item.crcDelta();
            int offset = out.size();
            le32(out, 0x04034b50);
            le16(out, 20);
            le16(out, 0x800);
            le16(out, item.deflate() ? 8 : 0);
            le16(out, 0);
            le16(out, 0x21);
            le32(out, crcValue);
            le32(out, stored.length + item.sizeDelta());
            le32(out, item.data().length + item.sizeDelta());
            le16(out, item.name().length);
            le16(out, 0);
            out.writeBytes(item.name());
            out.writeBytes(stored);
            le32(central, 0x02014b50);
            le16(central, 20);
            le16(central, 20);
            le16(central, 0x800);
            le16(central, item.deflate() ? 8 : 0);
            le16(central, 0);
            le16(central, 0x21);
            le32(central, crcValue);
            le32(central, stored.length + item.sizeDelta());
            le32(central, item.data().length + item.sizeDelta());
            le16(central, item.name().length);
            le16(central, 0);
            le16(central, 0);
            le16(central, 0);
            le16(central, 0);
            le32(central, 0);
            le32(central, offset);
            central.writeBytes(item.name());
        }
        int centralOffset = out.size();
        out.writeBytes(central.toByteArray());
        le32(out, 0x06054b50);
        le16(out, 0);
        le16(out, 0);
        le16(out, items.size());
        le16(out, items.size());
        le32(out, central.size());
        le32(out, centralOffset);
        le16(out, 0);
        return out.toByteArray();
    }

    /** A ustar archive of these entries and the two zero blocks that end it. */
    static byte[] tar(List<TarItem> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (TarItem item : items) {
            byte[] h = new byte[512];
            put(h, 0, 100, item.name().getBytes(StandardCharsets.ISO_8859_1));
            put(h, 100, 8, "0000644".getBytes(StandardCharsets.US_ASCII));
            put(h, 108, 8, "0000000".getBytes(StandardCharsets.US_ASCII));
            put(h, 116, 8, "0000000".getBytes(StandardCharsets.US_ASCII));
            put(h, 124, 12, item.size().getBytes(StandardCharsets.US_ASCII));
            put(h, 136, 12, "14000000000".getBytes(StandardCharsets.US_ASCII));
            h[156] = (byte) item.type();
            put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
            put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
            put(h, 345, 155, item.prefix().getBytes(StandardCharsets.UTF_8));
            Arrays.fill(h, 148, 156, (byte) ' ');
            long sum = 0;
            for (byte b : h) {
                sum += b & 0xff;
            }
            put(h, 148, 8, String.format(java.util.Locale.ROOT, "%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(h);
            out.writeBytes(item.data());
            out.writeBytes(new byte[(512 - item.data().length % 512) % 512]);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(data);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    private static byte[] ustarOnly() {
        byte[] h = new byte[512];
        put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        return h;
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static void put(byte[] h, int off, int len, byte[] value) {
        System.arraycopy(value, 0, h, off, Math.min(len, value.length));
    }

    private static void le16(ByteArrayOutputStream out, int v) {
        out.write(v & 0xff);
        out.write((v >>> 8) & 0xff);
    }

    private static void le32(ByteArrayOutputStream out, long v) {
        le16(out, (int) (v & 0xffff));
        le16(out, (int) ((v >>> 16) & 0xffff));
    }
}
