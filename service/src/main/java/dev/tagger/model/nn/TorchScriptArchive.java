package dev.tagger.model.nn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a TorchScript archive (what {@code torch.jit.load} reads) without Python: the module's code as
 * TorchScript source, which libtorch compiles when it loads the archive, and a module object whose
 * attributes are all empty lists. Tensors are not stored in the archive; the code's own methods receive
 * them after loading (see {@link ScriptedEncoder}).
 *
 * <p>The layout is the one libtorch reads: {@code archive/version}, {@code archive/code/__torch__.py},
 * {@code archive/data.pkl} (a protocol-2 pickle that builds {@code __torch__.<Class>} and sets its
 * attributes) and {@code archive/constants.pkl} (an empty tuple). Entries are stored uncompressed.
 */
final class TorchScriptArchive {

    /** File format version: one that every libtorch 2.x reads without upgraders for the ops used here. */
    private static final String VERSION = "3";

    private TorchScriptArchive() {
    }

    /**
     * @param className  the module class defined in {@code code} (in the {@code __torch__} namespace)
     * @param code       TorchScript source of the class
     * @param listFields the class's list attributes, all set to empty lists; {@code training} is set to false
     */
    static byte[] write(String className, String code, List<String> listFields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, "archive/version", (VERSION + "\n").getBytes(StandardCharsets.US_ASCII));
            put(zip, "archive/code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            put(zip, "archive/data.pkl", moduleObject(className, listFields));
            put(zip, "archive/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** PROTO 2, GLOBAL __torch__.Class, EMPTY_TUPLE, NEWOBJ, {training: False, field: [], ...}, BUILD, STOP. */
    private static byte[] moduleObject(String className, List<String> listFields) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);
        p.writeBytes(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII));
        p.write(')');
        p.write(0x81);
        p.write('}');
        p.write('(');
        string(p, "training");
        p.write(0x89);
        for (String f : listFields) {
            string(p, f);
            p.write(']');
        }
        p.write('u');
        p.write('b');
        p.write('.');
        return p.toByteArray();
    }

    /** BINUNICODE: 'X', little-endian uint32 length, UTF-8 bytes. */
    private static void string(ByteArrayOutputStream p, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        p.write('X');
        for (int i = 0; i < 4; i++) {
            p.write((utf8.length >>> (8 * i)) & 0xff);
        }
        p.writeBytes(utf8);
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }
}
