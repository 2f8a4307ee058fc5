package dev.tagger.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream into lines at {@code \n} (a byte that never occurs inside a multi-byte UTF-8 sequence) and
 * decodes each line strictly, so that invalid UTF-8 is reported with its line. A trailing {@code \r} is dropped
 * from each line, and a UTF-8 byte order mark from the first. Lines longer than a cap are counted but not
 * buffered; reading stops once more than {@code maxBytes} bytes have come in.
 */
final class Utf8LineReader {

    /**
     * One line.
     *
     * @param number      1-based line number
     * @param text        the decoded line without its terminator; invalid bytes replaced by U+FFFD; empty when
     *                    {@code tooLong}
     * @param malformedAt 1-based byte offset of the first invalid UTF-8 byte in the line, or 0 when it is valid
     * @param tooLong     whether the line was longer than the cap (and so was skipped)
     */
    record Line(long number, String text, long malformedAt, boolean tooLong) {
        boolean ok() {
            return malformedAt == 0 && !tooLong;
        }
    }

    private final InputStream in;
    private final long maxBytes;
    private final long maxLineBytes;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;
    private boolean eof;
    private long bytesRead;
    private boolean bytesExceeded;
    private long lineNumber;

    private byte[] line = new byte[1024];
    private int lineLength;
    private CharBuffer chars = CharBuffer.allocate(1024);

    Utf8LineReader(InputStream in, long maxBytes, long maxLineBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.maxLineBytes = maxLineBytes;
    }

    /** The next line, or {@code null} at the end of the input or once the byte limit is exceeded. */
    Line next() throws IOException {
        if (bytesExceeded) {
            return null;
        }
        lineLength = 0;
        long bytesInLine = 0;
        boolean consumed = false;
        while (true) {
            if (pos == limit) {
                if (eof || !fill()) {
                    if (bytesExceeded) {
                        return null;
                    }
                    break;
                }
            }
            consumed = true;
            int newline = -1;
            for (int i = pos; i < limit; i++) {
                if (buf[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            int end = newline >= 0 ? newline : limit;
            int n = end - pos;
            if (bytesInLine + n <= maxLineBytes) {
                append(pos, n);
            }
            bytesInLine += n;
            pos = newline >= 0 ? newline + 1 : limit;
            if (newline >= 0) {
                break;
            }
        }
        if (!consumed) {
            return null;
        }
        lineNumber++;
        // The cap counts the bytes before the \n (a \r included).
        if (bytesInLine > maxLineBytes) {
            return new Line(lineNumber, "", 0, true);
        }
        int start = 0;
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
            lineLength--;
        }
        if (lineNumber == 1 && lineLength >= 3
                && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF) {
            start = 3;
        }
        return decode(start);
    }

    private Line decode(int start) {
        ByteBuffer bytes = ByteBuffer.wrap(line, start, lineLength - start);
        if (chars.capacity() < lineLength) {
            chars = CharBuffer.allocate(Math.max(lineLength, chars.capacity() * 2));
        }
        chars.clear();
        decoder.reset();
        CoderResult result = decoder.decode(bytes, chars, true);
        if (!result.isError()) {
            result = decoder.flush(chars);
        }
        if (result.isError()) {
            long offset = bytes.position() - start + 1L;
            String text = new String(line, start, lineLength - start, StandardCharsets.UTF_8);
            return new Line(lineNumber, text, offset, false);
        }
        chars.flip();
        return new Line(lineNumber, chars.toString(), 0, false);
    }

    private void append(int from, int n) {
        if (lineLength + n > line.length) {
            line = Arrays.copyOf(line, Math.max(lineLength + n, line.length * 2));
        }
        System.arraycopy(buf, from, line, lineLength, n);
        lineLength += n;
    }

    private boolean fill() throws IOException {
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            return false;
        }
        pos = 0;
        limit = n;
        bytesRead += n;
        if (bytesRead > maxBytes) {
            bytesExceeded = true;
            return false;
        }
        return true;
    }

    /** Whether reading stopped because the input has more than {@code maxBytes} bytes. */
    boolean bytesExceeded() {
        return bytesExceeded;
    }

    long maxLineBytes() {
        return maxLineBytes;
    }

    long bytesRead() {
        return bytesRead;
    }

    /** The number of the last line returned. */
    long lineNumber() {
        return lineNumber;
    }
}
