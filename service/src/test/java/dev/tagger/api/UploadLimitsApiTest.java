package dev.tagger.api;

import dev.tagger.ServiceTestBase;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Multipart parts are held to their endpoint's limit while they are read; bad archives answer 422, not 500. */
class UploadLimitsApiTest extends ServiceTestBase {

    /** tagger.datasets.max-bytes of the test profile. */
    private static final long DATASET_LIMIT = 512 * 1024;
    private static final Path UPLOADS = Path.of("target/test-store").resolve(UploadFolder.NAME);

    private static long bytesUnder(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // removed while walking
                }
            }).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    /**
     * A chunked multipart dataset upload of three times the limit: the body has no Content-Length, so only the
     * count while reading can stop it. While the client sends, the upload folder is measured at every chunk.
     */
    @Test
    void aChunkedMultipartDatasetOverTheLimitIsStoppedWith413BeforeItIsWrittenWhole() throws Exception {
        byte[] head = ("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.jsonl\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] row = ("{\"text\": \"" + "x".repeat(1000) + "\", \"labels\": []}\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\r\n--b--\r\n".getBytes(StandardCharsets.UTF_8);
        long rows = 3 * DATASET_LIMIT / row.length;
        AtomicLong most = new AtomicLong();
        InputStream body = new InputStream() {
            long sent = -1;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                most.accumulateAndGet(bytesUnder(UPLOADS), Math::max);
                byte[] next = sent < 0 ? head : sent < rows ? row : sent == rows ? tail : null;
                if (next == null) {
                    return -1;
                }
                sent++;
                System.arraycopy(next, 0, b, off, Math.min(len, next.length)); // every piece is under len
                return next.length;
            }
        };
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/datasets?name=big"))
                .header("Content-Type", "multipart/form-data; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)), ADMIN_KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/problem+json"));
        JsonNode p = json(r);
        assertThat(p.get("limit").asLong()).isBetween(DATASET_LIMIT, DATASET_LIMIT + 64 * 1024);
        assertThat(p.get("detail").asString()).contains("limit");
        assertThat(most.get()).isLessThanOrEqualTo(DATASET_LIMIT + 64 * 1024);
        assertThat(bytesUnder(UPLOADS)).isZero();
    }

    @Test
    void aTruncatedMultipartBodyIs400ProblemJson() throws Exception {
        String cut = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jsonl\"\r\n\r\n{\"text\": \"a\"";
        HttpResponse<String> r = post("/datasets", cut, "multipart/form-data; boundary=b");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(json(r).get("detail").asString()).contains("multipart");
        HttpResponse<String> m = post("/models?id=cut-model", cut, "multipart/form-data; boundary=b");
        assertThat(m.statusCode()).as(m.body()).isEqualTo(400);
    }

    @Test
    void aFormFieldOverItsLimitIs413NamingThePart() throws Exception {
        String big = "x".repeat(MultipartForm.MAX_SMALL_PART_BYTES + 1);
        byte[] body = JobTestBase.multipart("b", new String[] {"id", null, big}, new String[] {"file", "m.zip", "PK"});
        HttpResponse<String> r = post("/models", body, "multipart/form-data; boundary=b");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        assertThat(json(r).get("field").asString()).isEqualTo("id");
    }

    @Test
    void anArchiveHoldingAFileAndAFolderOfTheSameNameIs422() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            z.putNextEntry(new ZipEntry("f"));
            z.write('x');
            z.putNextEntry(new ZipEntry("f/x"));
            z.write('y');
        }
        HttpResponse<String> r = post("/models?id=clash", b.toByteArray(), "application/zip");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/problem+json"));
        assertThat(bytesUnder(UPLOADS)).isZero();
    }

    @Test
    void aTarLongNameOfSizeMinusOneIs422() throws Exception {
        byte[] tar = new byte[2048];
        byte[] name = "././@LongLink".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, tar, 0, name.length);
        tar[124] = '-';
        tar[125] = '1';
        tar[156] = 'L';
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, tar, 257, 6);
        HttpResponse<String> r = post("/models?id=longlink", tar, "application/x-tar");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(json(r).get("detail").asString()).contains("malformed");
    }
}
