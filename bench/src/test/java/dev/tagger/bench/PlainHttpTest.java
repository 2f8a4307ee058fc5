package dev.tagger.bench;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bench's keep-alive client against a scripted server on a raw socket: each accepted connection
 * reads requests and writes the next scripted answers byte for byte, so framing (Content-Length,
 * chunked, closed connections) is under the test's control.
 */
class PlainHttpTest {

    /** What one connection answers: one entry per request, null = close the connection instead. */
    private final Queue<List<String>> scripts = new ConcurrentLinkedQueue<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger connections = new AtomicInteger();
    private ServerSocket server;

    private URI start() throws IOException {
        server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    connections.incrementAndGet();
                    List<String> answers = scripts.poll();
                    for (String answer : answers == null ? List.<String>of() : answers) {
                        requests.add(readRequest(s.getInputStream()));
                        if (answer == null) {
                            break;
                        }
                        s.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
                        s.getOutputStream().flush();
                    }
                } catch (IOException e) {
                    // the server was closed or the client went away: the next accept decides
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/");
    }

    /** The request's head and body as text (body by Content-Length). */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        String h = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private static String sized(int status, String body, String... headers) {
        return "HTTP/1.1 " + status + " X\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                + String.join("", List.of(headers).stream().map(h -> h + "\r\n").toList()) + "\r\n" + body;
    }

    @Test
    void sendsContentLengthAndReadsSizedAndChunkedAnswersOverOneConnection() throws Exception {
        scripts.add(List.of(sized(200, "{\"a\":1}", "X-Total-Time: 4.5"),
                "HTTP/1.1 429 Too Many\r\nTransfer-Encoding: chunked\r\nRetry-After: 1\r\n\r\n"
                        + "5\r\n{\"sta\r\n7;ext=1\r\ntus\":42\r\n1\r\n}\r\n0\r\n\r\n"));
        URI base = start();
        try (PlainHttp http = new PlainHttp(base, 5000)) {
            PlainHttp.Response first = http.post("/classify", "application/json", "{\"text\":\"é\"}".getBytes(StandardCharsets.UTF_8));
            PlainHttp.Response second = http.post("/classify", "application/json", "{}".getBytes(StandardCharsets.UTF_8));

            assertThat(first.status()).isEqualTo(200);
            assertThat(new String(first.body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
            assertThat(first.header("x-total-time")).isEqualTo("4.5");
            assertThat(second.status()).isEqualTo(429);
            assertThat(new String(second.body(), StandardCharsets.UTF_8)).isEqualTo("{\"status\":42}");
            assertThat(second.header("retry-after")).isEqualTo("1");
        }
        assertThat(connections).hasValue(1);
        assertThat(requests.get(0)).startsWith("POST /classify HTTP/1.1\r\n").contains("Content-Type: application/json\r\n")
                .contains("Content-Length: 13\r\n").endsWith("\r\n\r\n{\"text\":\"é\"}");
    }

    @Test
    void aConnectionTheServerClosedBetweenRequestsIsOpenedAgainOnce() throws Exception {
        scripts.add(java.util.Arrays.asList(sized(200, "one"), null));
        scripts.add(List.of(sized(200, "two")));
        URI base = start();
        try (PlainHttp http = new PlainHttp(base, 5000)) {
            assertThat(http.post("/classify", "application/json", new byte[0]).body()).asString().isEqualTo("one");
            assertThat(http.post("/classify", "application/json", new byte[0]).body()).asString().isEqualTo("two");
        }
        assertThat(connections).hasValue(2);
    }

    @Test
    void connectionCloseIsHonouredAndTheNextRequestOpensANewOne() throws Exception {
        scripts.add(List.of(sized(200, "one", "Connection: close")));
        scripts.add(List.of(sized(200, "two")));
        URI base = start();
        try (PlainHttp http = new PlainHttp(base, 5000)) {
            http.post("/classify", "application/json", new byte[0]);
            assertThat(http.post("/classify", "application/json", new byte[0]).body()).asString().isEqualTo("two");
        }
        assertThat(connections).hasValue(2);
    }

    @Test
    void anAnswerCutShortIsAnErrorNotAShortBody() throws Exception {
        // three of ten bytes, then the connection stays open and silent: the read times out
        scripts.add(java.util.Arrays.asList("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", null));
        URI base = start();
        try (PlainHttp http = new PlainHttp(base, 300)) {
            assertThatThrownBy(() -> http.post("/classify", "application/json", new byte[0]))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void anAnswerEndedByACloseInsideItsBodyIsAnError() throws Exception {
        scripts.add(List.of("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
        URI base = start();
        try (PlainHttp http = new PlainHttp(base, 5000)) {
            assertThatThrownBy(() -> http.post("/classify", "application/json", new byte[0]))
                    .isInstanceOf(EOFException.class).hasMessageContaining("Content-Length");
        }
    }

    @Test
    void aNewConnectionThatIsRefusedIsAnError() throws Exception {
        URI base = start();
        server.close();
        try (PlainHttp http = new PlainHttp(base, 1000)) {
            assertThatThrownBy(() -> http.post("/classify", "application/json", new byte[0])).isInstanceOf(IOException.class);
        }
    }
}
