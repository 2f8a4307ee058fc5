package dev.tagger.api;

import dev.tagger.config.BulkProperties;
import dev.tagger.config.TaggerProperties;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Enforces the body size limit: a declared Content-Length over the limit is answered 413 before the
 * body is read; a chunked body is counted as it is read and stops at the limit. Dataset uploads
 * (POST /datasets) have their own, larger limit: {@code tagger.datasets.max-bytes} plus room for a
 * multipart envelope. Model uploads (POST /models with a body other than JSON) have
 * {@code tagger.models.max-upload-bytes} plus that room. Multipart bodies pass through this count too, since
 * {@link MultipartForm} reads them from the request stream; it holds each part to its own limit.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class BodySizeFilter extends OncePerRequestFilter {

    /** Room for multipart boundaries, part headers and small form fields around an uploaded file. */
    static final long MULTIPART_SLACK = 64 * 1024;

    private final long apiLimit;
    private final long uploadLimit;
    private final long modelUploadLimit;
    private final long bulkUploadLimit;

    public BodySizeFilter(TaggerProperties props, BulkProperties bulk) {
        this.apiLimit = props.api().maxBodyBytes().toBytes();
        this.bulkUploadLimit = bulk.maxUploadBytes().toBytes() + MULTIPART_SLACK;
        this.uploadLimit = props.datasets().maxBytes().toBytes() + MULTIPART_SLACK;
        this.modelUploadLimit = props.models().maxUploadBytes().toBytes() + MULTIPART_SLACK;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean upload = "POST".equals(request.getMethod())
                && request.getRequestURI().equals(request.getContextPath() + "/datasets");
        String type = request.getContentType();
        boolean modelUpload = "POST".equals(request.getMethod())
                && request.getRequestURI().equals(request.getContextPath() + "/models")
                && type != null && !type.toLowerCase(java.util.Locale.ROOT).startsWith(MediaType.APPLICATION_JSON_VALUE);
        // A bulk job's file (POST /classify-jobs, multipart) has tagger.bulk.max-upload-bytes.
        boolean bulkUpload = "POST".equals(request.getMethod())
                && request.getRequestURI().equals(request.getContextPath() + "/classify-jobs")
                && type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith(MediaType.MULTIPART_FORM_DATA_VALUE);
        long limit = upload ? uploadLimit : modelUpload ? modelUploadLimit : bulkUpload ? bulkUploadLimit : apiLimit;
        if (request.getContentLengthLong() > limit) {
            response.setStatus(413);
            response.setCharacterEncoding(java.nio.charset.StandardCharsets.UTF_8.name());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding(java.nio.charset.StandardCharsets.UTF_8);
            response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Payload Too Large\",\"status\":413,"
                    + "\"detail\":\"the request body has " + request.getContentLengthLong() + " bytes, more than the limit of "
                    + limit + "\",\"limit\":" + limit + ",\"instance\":\"" + request.getRequestURI().replace("\"", "") + "\"}");
            return;
        }
        chain.doFilter(new LimitedRequest(request, limit), response);
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new CountingStream(super.getInputStream(), limit);
            }
            return stream;
        }
    }

    private static final class CountingStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private long count;

        CountingStream(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            count += n;
            if (count > limit) {
                throw new PayloadTooLargeException(limit);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
