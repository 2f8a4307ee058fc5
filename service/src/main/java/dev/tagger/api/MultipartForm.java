package dev.tagger.api;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.fileupload.FileItemIterator;
import org.apache.tomcat.util.http.fileupload.FileItemStream;
import org.apache.tomcat.util.http.fileupload.FileUpload;
import org.apache.tomcat.util.http.fileupload.FileUploadException;
import org.apache.tomcat.util.http.fileupload.InvalidFileNameException;
import org.apache.tomcat.util.http.fileupload.MultipartStream;
import org.apache.tomcat.util.http.fileupload.impl.FileCountLimitExceededException;
import org.apache.tomcat.util.http.fileupload.servlet.ServletRequestContext;
import org.springframework.http.HttpStatus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A multipart/form-data request read part by part as it arrives (the container's multipart spooling is off, see
 * application.yml): the one large part goes straight to its reader through a count that stops it at its
 * endpoint's limit with 413, and every other part is read whole but bounded. Nothing reaches the disk that the
 * reader does not write itself. Form fields fall back to the query string, so options may come either way.
 */
final class MultipartForm<T> {

    /** Parts of one request at most. */
    static final int MAX_PARTS = 64;
    /** Bytes of any part other than the large one (a form field, a label list). */
    static final int MAX_SMALL_PART_BYTES = 1024 * 1024;

    /** Reads the large part; {@code in} stops with 413 past the limit and is not to be closed. */
    @FunctionalInterface
    interface PartReader<T> {
        T read(String filename, String contentType, InputStream in) throws IOException;
    }

    /**
     * The large part and its limit.
     *
     * @param field    the part's name
     * @param what     what it holds, for the 413 detail ("the dataset")
     * @param maxBytes its limit
     * @param setting  the setting that holds the limit
     */
    record Limit(String field, String what, long maxBytes, String setting) {
    }

    private final HttpServletRequest request;
    private final Map<String, List<byte[]>> parts = new LinkedHashMap<>();
    private final Map<String, String> filenames = new HashMap<>();
    private T file;
    private boolean hasFile;
    private String filename;
    private String contentType;

    private MultipartForm(HttpServletRequest request) {
        this.request = request;
    }

    static <T> MultipartForm<T> read(HttpServletRequest request, Limit limit, PartReader<T> reader) throws IOException {
        MultipartForm<T> form = new MultipartForm<>(request);
        FileUpload upload = new FileUpload();
        upload.setHeaderEncoding(StandardCharsets.UTF_8.name());
        upload.setFileCountMax(MAX_PARTS);
        try {
            FileItemIterator items = iterator(upload, request);
            while (hasNext(items)) {
                FileItemStream item = next(items);
                String name = item.getFieldName() == null ? "" : item.getFieldName();
                String filename = filename(item, name);
                try (InputStream raw = item.openStream()) {
                    if (name.equals(limit.field())) {
                        if (form.hasFile) {
                            throw ApiException.invalid(name, "the upload has more than one part named '" + name + "'");
                        }
                        form.hasFile = true;
                        form.filename = filename;
                        form.contentType = item.getContentType();
                        form.file = reader.read(filename, item.getContentType(),
                                new PartStream(raw, name, limit.maxBytes(), limit.what(), limit.setting()));
                    } else {
                        byte[] bytes = new PartStream(raw, name, MAX_SMALL_PART_BYTES, "the part '" + name + "'", null)
                                .readAllBytes();
                        form.parts.computeIfAbsent(name, k -> new ArrayList<>()).add(bytes);
                        if (filename != null) {
                            form.filenames.putIfAbsent(name, filename);
                        }
                    }
                }
            }
        } catch (FileCountLimitExceededException e) {
            throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "body", "the multipart body has more than "
                    + MAX_PARTS + " parts", MAX_PARTS);
        } catch (FileUploadException | PartStream.Malformed e) {
            throw malformed(request, e);
        }
        return form;
    }

    /**
     * The iterator, and below its steps: it reads the request as it goes, so an IOException from it is the body's
     * fault (it ends early, a boundary or a part's headers are broken), not a failure of the server: 400, never 500.
     */
    private static FileItemIterator iterator(FileUpload upload, HttpServletRequest request) throws FileUploadException {
        try {
            return upload.getItemIterator(new ServletRequestContext(request));
        } catch (IOException e) {
            throw malformed(request, e);
        }
    }

    private static boolean hasNext(FileItemIterator items) throws FileUploadException {
        try {
            return items.hasNext();
        } catch (IOException e) {
            throw malformed(null, e);
        }
    }

    private static FileItemStream next(FileItemIterator items) throws FileUploadException {
        try {
            return items.next();
        } catch (IOException e) {
            throw malformed(null, e);
        }
    }

    /** The part's file name, or null; one holding a NUL is refused (the upload library will not give it out). */
    private static String filename(FileItemStream item, String name) {
        try {
            return item.getName();
        } catch (InvalidFileNameException e) {
            throw ApiException.invalid(name, "the file name of the part '" + name + "' holds a NUL character");
        }
    }

    /** A 400 that says which part of the multipart framing is wrong, in our words rather than the library's. */
    private static ApiException malformed(HttpServletRequest request, Exception e) {
        String type = request == null || request.getContentType() == null ? "" : request.getContentType();
        String detail;
        if (request != null && !type.toLowerCase(Locale.ROOT).contains("boundary=")) {
            detail = "the Content-Type multipart/form-data has no boundary parameter; send it as "
                    + "'multipart/form-data; boundary=...' with the boundary the body uses";
        } else if (e instanceof MultipartStream.IllegalBoundaryException) {
            detail = "the multipart body nests a multipart part, which is not accepted; send each file as a part "
                    + "of its own";
        } else {
            detail = "the multipart body is malformed or truncated: it ends before its closing boundary, or a "
                    + "boundary or part header does not match its Content-Type (parts are separated by CRLF "
                    + "'--boundary' lines)";
        }
        return new ApiException(HttpStatus.BAD_REQUEST, "body", detail, null);
    }

    boolean hasFile() {
        return hasFile;
    }

    /** What the reader returned for the large part (null when there was none). */
    T file() {
        return file;
    }

    String filename() {
        return filename;
    }

    /** The large part's own Content-Type, or null. */
    String contentType() {
        return contentType;
    }

    /** Whether a part other than the large one has this name. */
    boolean has(String name) {
        return parts.containsKey(name);
    }

    /** The bytes of the first part with this name, or null. */
    byte[] bytes(String name) {
        List<byte[]> p = parts.get(name);
        return p == null ? null : p.get(0);
    }

    /** A form field (as UTF-8 text), else the query parameter of that name, else null. */
    String value(String name) {
        byte[] b = bytes(name);
        return b != null ? new String(b, StandardCharsets.UTF_8) : request.getParameter(name);
    }

    /** Every value of a repeated form field, else of the query parameter, else null. */
    List<String> values(String name) {
        List<byte[]> p = parts.get(name);
        if (p != null) {
            return p.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
        }
        String[] q = request.getParameterValues(name);
        return q == null ? null : Arrays.asList(q);
    }

    /**
     * One part's bytes, stopped with 413 one byte past its limit. A read failure of the request itself (a
     * truncated body, a broken boundary) becomes {@link Malformed}, so it answers 400 and is told apart from a
     * failure to write what was read.
     */
    private static final class PartStream extends InputStream {
        private final InputStream in;
        private final String field;
        private final long limit;
        private final String what;
        private final String setting;
        private long count;

        PartStream(InputStream in, String field, long limit, String what, String setting) {
            this.in = in;
            this.field = field;
            this.limit = limit;
            this.what = what;
            this.setting = setting;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                throw new Malformed(e);
            }
            if (n > 0) {
                count += n;
                if (count > limit) {
                    throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, field, what + " is larger than the limit of "
                            + limit + " bytes" + (setting == null ? "" : " (" + setting + ")"), limit);
                }
            }
            return n;
        }

        /** The request body could not be read as multipart. */
        static final class Malformed extends RuntimeException {
            Malformed(IOException cause) {
                super(cause);
            }
        }
    }
}
