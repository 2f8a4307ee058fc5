package dev.tagger.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for the requests {@link java.net.http.HttpClient} refuses to send: malformed request
 * lines, raw bytes in the path, forged Content-Length or Transfer-Encoding, oversized headers. The request bytes go
 * out on their own thread while this one reads, so an answer the server gives before the body is sent (a 413, a
 * 400 for a header) is read rather than lost to a reset on the write side.
 */
final class RawHttp {

    /** What came back; status 0: no status line came back at all (the server closed or the read timed out). */
    record Answer(int status, Map<String, String> headers, String body, String failure) {

        /** A header's value, by case-insensitive name, or "". */
        String header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
        }
    }

    /** Answers past this size are cut: the checks look at the start of a body only. */
    private static final int MAX_ANSWER = 1 << 20;

    private RawHttp() {
    }

    /** Sends {@code request} as it is to the loopback port and reads one answer. */
    static Answer exchange(int port, byte[] request, int timeoutMillis) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            Thread writer = new Thread(() -> {
                try {
                    // In slices, so that a server that answers early is not sent megabytes into a closed socket.
                    for (int off = 0; off < request.length; off += 16 * 1024) {
                        out.write(request, off, Math.min(16 * 1024, request.length - off));
                    }
                    out.flush();
                    socket.shutdownOutput();
                } catch (IOException e) {
                    // The server stopped reading (it has answered, or closed): what it said is read below.
                }
            }, "raw-http-writer");
            writer.setDaemon(true);
            writer.start();
            byte[] bytes = readAll(socket.getInputStream());
            writer.join(timeoutMillis);
            return parse(bytes);
        } catch (IOException e) {
            return new Answer(0, Map.of(), "", e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, Map.of(), "", "interrupted");
        }
    }

    /** Everything up to the end of the stream or the first answer read whole, whichever comes first. */
    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[16 * 1024];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                got.write(buf, 0, n);
                if (got.size() > MAX_ANSWER || complete(got.toByteArray())) {
                    break;
                }
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            if (got.size() == 0) {
                throw e;
            }
            // A reset or a stall after some bytes: what arrived is what is judged.
        }
        return got.toByteArray();
    }

    /**
     * Where the final answer starts: after any interim 1xx answers (a 100 Continue to an {@code Expect} header),
     * which say nothing about the request.
     */
    private static int finalAnswer(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = 0;
        while (text.startsWith("HTTP/1.1 1", at) || text.startsWith("HTTP/1.0 1", at)) {
            int end = text.indexOf("\r\n\r\n", at);
            if (end < 0) {
                break;
            }
            at = end + 4;
        }
        return at;
    }

    /** Whether the bytes hold a whole answer: its head, and a body as long as Content-Length or the last chunk. */
    private static boolean complete(byte[] all) {
        byte[] bytes = java.util.Arrays.copyOfRange(all, finalAnswer(all), all.length);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        Answer head = parse(bytes);
        String length = head.header("content-length");
        if (!length.isEmpty()) {
            try {
                return bytes.length - end - 4 >= Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (head.header("transfer-encoding").toLowerCase(Locale.ROOT).contains("chunked")) {
            return text.substring(end + 4).contains("0\r\n\r\n");
        }
        // Neither: the body ends when the server closes the connection.
        return head.status() == 204 || head.status() == 304;
    }

    private static Answer parse(byte[] all) {
        byte[] bytes = java.util.Arrays.copyOfRange(all, finalAnswer(all), all.length);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        String[] lines = head.split("\r\n");
        int status = 0;
        if (lines.length > 0 && lines[0].startsWith("HTTP/")) {
            String[] parts = lines[0].split(" ", 3);
            if (parts.length >= 2) {
                try {
                    status = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    status = 0;
                }
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
        }
        if (status == 0) {
            return new Answer(0, headers, "", bytes.length == 0 ? "the connection closed without an answer"
                    : "no status line: " + text.substring(0, Math.min(80, text.length())));
        }
        byte[] body = end < 0 ? new byte[0] : java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
        if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
            body = dechunk(body);
        }
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8), null);
    }

    /** A chunked body's data; a malformed or cut one gives what could be read. */
    private static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < body.length) {
            int eol = indexOf(body, i);
            if (eol < 0) {
                break;
            }
            String size = new String(body, i, eol - i, StandardCharsets.ISO_8859_1);
            int semi = size.indexOf(';');
            int n;
            try {
                n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
            } catch (NumberFormatException e) {
                break;
            }
            if (n == 0) {
                break;
            }
            int start = eol + 2;
            out.write(body, start, Math.min(n, body.length - start));
            i = start + n + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
