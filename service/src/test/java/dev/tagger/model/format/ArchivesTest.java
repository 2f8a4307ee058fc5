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
}
