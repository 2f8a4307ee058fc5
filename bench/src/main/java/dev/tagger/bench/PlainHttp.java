package dev.tagger.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One keep-alive HTTP/1.1 connection, used by one load-client thread at a time: writes a POST with
 * Content-Length, reads the status line, the headers and a Content-Length or chunked body.
 *
 * <p>Why not {@link java.net.http.HttpClient}: its synchronous send hands each request to a selector
 * thread and the answer back through an executor, a few thread wake-ups per request that land on the
 * same two cores as the service and count in every latency the benchmark reports, while the in-process
 * ONNX Runtime peer pays nothing of the kind. A blocking socket is what wrk or a plain client costs.
 * {@code --http-client jdk} keeps the JDK client for comparison.
 */
final class PlainHttp implements AutoCloseable {

    /** One answer: status, headers with lower-case names, body. */
    record Response(int status, Map<String, String> headers, byte[] body) {

        String header(String name) {
            return headers.get(name);
        }
    }

    private static final int MAX_HEAD = 64 * 1024;

    /** The connection ended before the first byte of an answer. */
    private static final class ClosedBeforeAnswer extends EOFException {
        ClosedBeforeAnswer() {
            super("connection closed by the server before an answer");
        }
    }

    private final String host;
    private final int port;
    private final int timeoutMs;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    PlainHttp(URI base, int timeoutMs) {
        if (!"http".equals(base.getScheme())) {
            throw new IllegalArgumentException("the plain client speaks http only: " + base);
        }
        this.host = base.getHost();
        this.port = base.getPort() < 0 ? 80 : base.getPort();
        this.timeoutMs = timeoutMs;
    }

    /**
     * POSTs {@code body} to {@code path}. A connection the server closed between two requests is
     * opened again once; an error after the request was written is thrown (the caller counts it).
     */
    Response post(String path, String contentType, byte[] body) throws IOException {
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        boolean reused = socket != null;
        try {
            return exchange(head, body);
        } catch (ClosedBeforeAnswer e) {
            // a kept-alive connection the server had closed (idle timeout, max keep-alive requests); /classify
            // has no side effects, so sending it again is safe
            close();
            if (!reused) {
                throw e;
            }
            return exchange(head, body);
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private Response exchange(byte[] head, byte[] body) throws IOException {
        if (socket == null) {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.setSoTimeout(timeoutMs);
            s.connect(new InetSocketAddress(host, port), timeoutMs);
            socket = s;
            in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
            out = s.getOutputStream();
        }
        // one write: head and body in the same segment
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        String statusLine;
        try {
            out.write(request);
            out.flush();
            statusLine = line(true);
        } catch (java.net.SocketException e) {
            // reset or broken pipe before any answer: the server had dropped the connection
            throw new ClosedBeforeAnswer();
        }
        if (!statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP answer: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, String> headers = new TreeMap<>();
        int headBytes = 0;
        for (String h = line(false); !h.isEmpty(); h = line(false)) {
            headBytes += h.length();
            if (headBytes > MAX_HEAD) {
                throw new IOException("answer head over " + MAX_HEAD + " bytes");
            }
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
        }
        byte[] payload;
        String length = headers.get("content-length");
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            payload = chunked();
        } else if (length != null) {
            payload = in.readNBytes(Integer.parseInt(length));
            if (payload.length != Integer.parseInt(length)) {
                throw new EOFException("the answer ended before its Content-Length");
            }
        } else {
            payload = in.readAllBytes();
            headers.put("connection", "close");
        }
        if ("close".equalsIgnoreCase(headers.get("connection"))) {
            close();
        }
        return new Response(status, headers, payload);
    }

    private byte[] chunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(false);
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (size == 0) {
                while (!line(false).isEmpty()) {
                    // trailers: none expected, skipped
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length != size) {
                throw new EOFException("the answer ended inside a chunk");
            }
            body.write(chunk);
            line(false);
        }
    }

    /** A CRLF-terminated line; at the first byte of an answer an EOF means the server closed the connection. */
    private String line(boolean first) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw first && sb.isEmpty() ? new ClosedBeforeAnswer() : new EOFException("answer cut short");
            }
            if (b == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            if (sb.length() >= MAX_HEAD) {
                throw new IOException("answer line over " + MAX_HEAD + " bytes");
            }
            sb.append((char) b);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a broken connection: nothing to do
            }
            socket = null;
            in = null;
            out = null;
        }
    }
}
