package dev.tagger.model.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Safe unpacking of zip, tar and tar.gz uploads. */
class ArchivesTest {

    static final Archives.Limits LIMITS = new Archives.Limits(1 << 20, 10);

    @TempDir
    Path tmp;

    static byte[] zip(Map<String, byte[]> files) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            for (var f : files.entrySet()) {
                z.putNextEntry(new ZipEntry(f.getKey()));
                z.write(f.getValue());
                z.closeEntry();
            }
        }
        return b.toByteArray();
    }

    static Map<String, byte[]> files(String... nameAndText) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (int i = 0; i < nameAndText.length; i += 2) {
            out.put(nameAndText[i], nameAndText[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void tarGzTarAndZipUnpack() throws Exception {
        byte[] tgz = Archives.tarGz("m", files("config.json", "{}", "a/b.txt", "x".repeat(1000)));
        Path d1 = Files.createDirectory(tmp.resolve("tgz"));
        assertThat(Archives.unpack(new ByteArrayInputStream(tgz), d1, LIMITS)).isEqualTo(1002);
        assertThat(Files.readString(d1.resolve("m/a/b.txt"))).hasSize(1000);
        byte[] tar = new GZIPInputStream(new ByteArrayInputStream(tgz)).readAllBytes();
        Path d2 = Files.createDirectory(tmp.resolve("tar"));
        Archives.unpack(new ByteArrayInputStream(tar), d2, LIMITS);
        assertThat(Files.readString(d2.resolve("m/config.json"))).isEqualTo("{}");
        Path d3 = Files.createDirectory(tmp.resolve("zip"));
        Archives.unpack(new ByteArrayInputStream(zip(files("./config.json", "{}"))), d3, LIMITS);
        assertThat(d3.resolve("config.json")).exists();
    }

    @Test
    void namesThatLeaveTheDirectoryAreRefused() throws Exception {
        for (String name : new String[] {"../x", "a/../../x", "/etc/x", "C:/x", "..\\x"}) {
            Path d = Files.createTempDirectory(tmp, "t");
            assertThatThrownBy(() -> Archives.unpack(new ByteArrayInputStream(zip(files(name, "x"))), d, LIMITS))
                    .as(name).isInstanceOf(Archives.ArchiveException.class);
            assertThat(tmp.resolve("x")).doesNotExist();
        }
    }

    @Test
    void namesNoFileSystemCouldStoreAreRefusedWithTheLimit() throws Exception {
        Path d = Files.createDirectory(tmp.resolve("long"));
        assertThatThrownBy(() -> Archives.unpack(new ByteArrayInputStream(zip(files("n".repeat(256), "x"))), d,
                LIMITS)).isInstanceOf(Archives.ArchiveException.class).hasMessageContaining("limit of 255 bytes")
                .hasMessageContaining("(256 characters)");
        assertThatThrownBy(() -> Archives.unpack(new ByteArrayInputStream(zip(files("d/".repeat(600) + "f", "x"))),
                d, LIMITS)).isInstanceOf(Archives.ArchiveException.class).hasMessageContaining("limit of 1024 bytes");
        Path ok = Files.createDirectory(tmp.resolve("longest"));
        Archives.unpack(new ByteArrayInputStream(zip(files("n".repeat(255), "x"))), ok, LIMITS);
        assertThat(ok.resolve("n".repeat(255))).exists();
    }

    @Test
    void aCutOrCorruptArchiveIsDescribedWithoutTheDecompressorsWords() throws Exception {
        byte[] tgz = Archives.tarGz("m", files("config.json", "{}", "weights.bin", "w".repeat(50_000)));
        Path d = Files.createDirectory(tmp.resolve("cut"));
        assertThatThrownBy(() -> Archives.unpack(new ByteArrayInputStream(java.util.Arrays.copyOf(tgz,
                tgz.length / 2)), d, LIMITS)).isInstanceOf(Archives.ArchiveException.class)
                .hasMessageStartingWith("the archive is truncated").hasMessageNotContaining("ZLIB");
        byte[] zip = zip(files("config.json", "{\"a\": 1}"));
        byte[] corrupt = zip.clone();
        // The first byte of the entry's deflated data, after the 30-byte local header and the 11-byte name.
        corrupt[41] ^= 0x5a;
        Path c = Files.createDirectory(tmp.resolve("crc"));
        assertThatThrownBy(() -> Archives.unpack(new ByteArrayInputStream(corrupt), c, LIMITS))
                .isInstanceOf(Archives.ArchiveException.class).hasMessageStartingWith("the archive is corrupt")
                .hasMessageContaining("'config.json'");
    }

    @Test
    void limitsOnBytesAndEntriesHold() throws Exception {
        byte[] bomb = zip(files("big", "0".repeat(2 << 20)));
        assertThat(bomb.length).isLessThan(20_000);
        Path d = Files.createDirectory(tmp.resolve("bomb"));
        assertThatThrownBy(() -> Archives.unpack(new ByteArrayInputStream(bomb), d, LIMITS))
                .hasMessageContaining("more than 1048576 bytes");
        Map<String, byte[]> many = new LinkedHashMap<>();
        for (int i = 0; i < 11; i++) {
            many.put("f" + i, new byte[1]);
        }
        Path d2 = Files.createDirectory(tmp.resolve("many"));
        assertThatThrownBy(() -> Archives.unpack(new ByteArrayInputStream(zip(many)), d2, LIMITS))
                .hasMessageContaining("more than 10 entries");
    }

    @Test
    void linksInTarsAreRefused() throws Exception {
        byte[] tar = new GZIPInputStream(new ByteArrayInputStream(Archives.tarGz("m", files("l", "")))).readAllBytes();
        tar[156] = '2'; // make the entry a symbolic link (checksum is not verified)
        Path d = Files.createDirectory(tmp.resolve("link"));
        assertThatThrownBy(() -> Archives.unpack(new ByteArrayInputStream(tar), d, LIMITS))
                .hasMessageContaining("link");
    }

    @Test
    void otherBytesAreNotAnArchive() {
        assertThatThrownBy(() -> Archives.unpack(new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)),
                tmp, LIMITS)).hasMessageContaining("not a zip, tar or tar.gz");
    }

    /** A ustar header; {@code size} is written as given (a sign included), so malformed headers can be built. */
    static byte[] header(String name, String size, char type) {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, n.length);
        byte[] s = size.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, h, 124, s.length);
        h[156] = (byte) type;
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
        return h;
    }

    static byte[] tar(byte[]... blocks) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] x : blocks) {
            b.writeBytes(x);
            b.writeBytes(new byte[(512 - x.length % 512) % 512]);
        }
        b.writeBytes(new byte[1024]);
        return b.toByteArray();
    }

    static byte[] gzip(byte[] bytes) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(b)) {
            gz.write(bytes);
        }
        return b.toByteArray();
    }

    @Test
    void aFileAndAFolderOfTheSameNameAreRefusedInEitherOrder() throws Exception {
        for (Map<String, byte[]> clash : java.util.List.of(files("f", "x", "f/x", "y"), files("f/x", "y", "f", "x"),
                files("f", "x", "f/", ""))) {
            Path d = Files.createTempDirectory(tmp, "clash");
            byte[] archive = zip(clash);
            assertThatThrownBy(() -> Archives.unpack(new ByteArrayInputStream(archive), d, LIMITS))
                    .as(clash.keySet().toString()).isInstanceOf(Archives.ArchiveException.class)
                    .hasMessageContaining("'f");
        }
        Path d = Files.createDirectory(tmp.resolve("tarclash"));
        byte[] t = tar(header("f", "1", '0'), new byte[] {'x'}, header("f/x", "1", '0'), new byte[] {'y'});
        assertThatThrownBy(() -> Archives.unpack(new ByteArrayInputStream(t), d, LIMITS))
                .isInstanceOf(Archives.ArchiveException.class).hasMessageContaining("also holds as a file");
    }

    @Test
    void malformedLongNameEntriesAreRefused() throws Exception {
        byte[] name = "m/config.json\0".getBytes(StandardCharsets.US_ASCII);
        for (byte[] t : new byte[][] {
                tar(header("././@LongLink", "-1", 'L'), header("x", "0", '0')),
                tar(header("././@LongLink", "0", 'L'), header("x", "0", '0')),
                tar(header("././@LongLink", Long.toOctalString(5000), 'L'), new byte[5000]),
                tar(header("././@LongLink", "1x", 'L')),
                tar(header("././@LongLink", "1", 'L'), new byte[1], header("x", "0", '0')),
                java.util.Arrays.copyOf(tar(header("././@LongLink", Long.toOctalString(name.length), 'L'), name), 600)}) {
            Path d = Files.createTempDirectory(tmp, "L");
            assertThatThrownBy(() -> Archives.unpack(new ByteArrayInputStream(t), d, LIMITS))
                    .isInstanceOf(Archives.ArchiveException.class);
        }
        Path d = Files.createDirectory(tmp.resolve("goodL"));
        Archives.unpack(new ByteArrayInputStream(tar(header("././@LongLink", Long.toOctalString(name.length), 'L'), name,
                header("short", "2", '0'), "{}".getBytes(StandardCharsets.US_ASCII))), d, LIMITS);
        assertThat(Files.readString(d.resolve("m/config.json"))).isEqualTo("{}");
    }

    @Test
    void paxAndLongNameHeadersCountAgainstTheByteAndEntryCaps() throws Exception {
        // One pax header larger than the cap: refused before its bytes are decompressed.
        byte[] bigPax = gzip(tar(header("pax", Long.toOctalString(2 << 20), 'x'), new byte[2 << 20]));
        assertThat(bigPax.length).isLessThan(20_000);
        Path d = Files.createDirectory(tmp.resolve("pax"));
        assertThatThrownBy(() -> Archives.unpack(new ByteArrayInputStream(bigPax), d, LIMITS))
                .hasMessageContaining("more than 1048576 bytes");
        // Many small global headers: each one is an entry.
        byte[][] blocks = new byte[22][];
        for (int i = 0; i < 22; i += 2) {
            blocks[i] = header("g" + i, "1", i % 4 == 0 ? 'g' : 'L');
            blocks[i + 1] = new byte[] {'n'};
        }
        Path d2 = Files.createDirectory(tmp.resolve("many"));
        assertThatThrownBy(() -> Archives.unpack(new ByteArrayInputStream(tar(blocks)), d2, LIMITS))
                .hasMessageContaining("more than 10 entries");
        // Data hidden under a zip folder entry is counted too.
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            z.putNextEntry(new ZipEntry("d/"));
            z.write(new byte[2 << 20]);
            z.closeEntry();
        }
        Path d3 = Files.createDirectory(tmp.resolve("zipdir"));
        assertThatThrownBy(() -> Archives.unpack(new ByteArrayInputStream(b.toByteArray()), d3, LIMITS))
                .hasMessageContaining("more than 1048576 bytes");
    }

    @Test
    void concurrentUnpacksShareOneBudget() throws Exception {
        UnpackBudget budget = new UnpackBudget(1500);
        byte[] archive = zip(files("w", "x".repeat(1000)));
        Path first = Files.createDirectory(tmp.resolve("first"));
        Path second = Files.createDirectory(tmp.resolve("second"));
        try (UnpackBudget.Lease a = budget.open()) {
            Archives.unpack(new ByteArrayInputStream(archive), first, LIMITS, a);
            assertThat(budget.inUse()).isEqualTo(1000);
            try (UnpackBudget.Lease b = budget.open()) {
                assertThatThrownBy(() -> Archives.unpack(new ByteArrayInputStream(archive), second, LIMITS, b))
                        .isInstanceOf(UnpackBudget.ExhaustedException.class)
                        .hasMessageContaining("1500 bytes");
                assertThat(b.held()).isLessThanOrEqualTo(500);
            }
            assertThat(budget.inUse()).isEqualTo(1000);
        }
        assertThat(budget.inUse()).isZero();
        Path third = Files.createDirectory(tmp.resolve("third"));
        try (UnpackBudget.Lease c = budget.open()) {
            assertThat(Archives.unpack(new ByteArrayInputStream(archive), third, LIMITS, c)).isEqualTo(1000);
        }
        assertThat(budget.inUse()).isZero();
    }

    @Test
    void aStreamedExportIsTheSameArchive() throws Exception {
        Map<String, byte[]> f = files("config.json", "{}", "b.txt", "y".repeat(700));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Archives.writeTarGz(out, "m", f);
        Path d = Files.createDirectory(tmp.resolve("streamed"));
        assertThat(Archives.unpack(new ByteArrayInputStream(out.toByteArray()), d, LIMITS)).isEqualTo(702);
        assertThat(Files.readString(d.resolve("m/b.txt"))).hasSize(700);
    }
}
