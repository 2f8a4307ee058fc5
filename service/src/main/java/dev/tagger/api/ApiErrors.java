package dev.tagger.api;

import dev.tagger.catalog.ModelInUseException;
import dev.tagger.datasets.DatasetNotFoundException;
import dev.tagger.io.Json;
import dev.tagger.io.StoreFull;
import dev.tagger.model.ModelFormatException;
import dev.tagger.model.ModelNotFoundException;
import dev.tagger.serving.ServiceUnavailableException;
import dev.tagger.training.jobs.InvalidJobException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;

import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one place where failures become HTTP: every error is problem+json with a status, a detail that
 * says what was wrong and, where it applies, the field and the limit. Never a stack trace.
 */
@RestControllerAdvice
public class ApiErrors extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
        if (e.field() != null) {
            p.setProperty("field", e.field());
        }
        if (e.limit() != null) {
            p.setProperty("limit", e.limit());
        }
        e.properties().forEach(p::setProperty);
        if (e.retryAfterSeconds() != null) {
            return respond(e.status()).header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds().toString())
                    .body(p);
        }
        return respond(e.status()).body(p);
    }

    /** A training job that cannot be planned is refused like any other invalid body. */
    @ExceptionHandler(InvalidJobException.class)
    ResponseEntity<ProblemDetail> invalidJob(InvalidJobException e) {
        return api(ApiException.invalid(e.field(), e.getMessage(), e.limit()));
    }

    @ExceptionHandler({ModelNotFoundException.class, DatasetNotFoundException.class})
    ResponseEntity<ProblemDetail> notFound(RuntimeException e) {
        return respond(HttpStatus.NOT_FOUND)
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage()));
    }

    @ExceptionHandler(ModelInUseException.class)
    ResponseEntity<ProblemDetail> inUse(ModelInUseException e) {
        return respond(HttpStatus.CONFLICT)
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage()));
    }

    @ExceptionHandler(ServiceUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(ServiceUnavailableException e) {
        HttpStatus status = e.reason() == ServiceUnavailableException.Reason.OVERLOADED
                ? HttpStatus.TOO_MANY_REQUESTS : HttpStatus.SERVICE_UNAVAILABLE;
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, e.getMessage());
        if (e.reason().title() != null) {
            p.setTitle(e.reason().title());
        }
        p.setProperty("reason", e.reason().name().toLowerCase(java.util.Locale.ROOT));
        return respond(status).header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds())).body(p);
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(PayloadTooLargeException e) {
        return tooLargeProblem(e);
    }

    @ExceptionHandler(ModelFormatException.class)
    ResponseEntity<ProblemDetail> badModel(ModelFormatException e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT, e.getMessage());
        return respond(HttpStatus.UNPROCESSABLE_CONTENT).body(p);
    }

    /** Form parameters Tomcat cannot decode (bad percent-encoding or charset): the client's bytes, not our fault. */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> badParameters(InvalidParameterException e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "the request's parameters cannot be decoded: check the percent-encoding and that the text is UTF-8");
        p.setProperty("field", "body");
        return respond(HttpStatus.BAD_REQUEST).body(p);
    }

    /** A multipart body that cannot be read: truncated, a missing boundary, or over the size limit while read. */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> badMultipart(MultipartException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PayloadTooLargeException big) {
                return tooLargeProblem(big);
            }
        }
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "the multipart body cannot be read: it is truncated or its boundaries do not match its Content-Type");
        p.setProperty("field", "body");
        return respond(HttpStatus.BAD_REQUEST).body(p);
    }

    /**
     * A write that failed for lack of space: 507, whatever wrapped it (an upload's spool, a dataset, a model, a job
     * record, the served-version pointer). Nothing was stored, so the request can be sent again once there is room.
     * The detail has the operating system's words only: the path and the class describe the server, not the request.
     */
    private static ResponseEntity<ProblemDetail> storeFull(Exception e, String words) {
        log.warn("a write failed for lack of space: {}", e.toString());
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.INSUFFICIENT_STORAGE, "the store is full: "
                + words + "; the request changed nothing. Free space in the store (tagger.store.dir) and retry");
        p.setTitle("Store full");
        p.setProperty("reason", "store_full");
        return respond(HttpStatus.INSUFFICIENT_STORAGE).body(p);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        Optional<String> full = StoreFull.reason(e);
        if (full.isPresent()) {
            return storeFull(e, full.get());
        }
        log.error("unexpected error", e);
        // No class name or message: they describe the code, not the request. The log line has them.
        String id = MDC.get(RequestIdFilter.MDC_KEY);
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "internal error" + (id == null ? "" : "; the service log has it under request id " + id));
        return respond(HttpStatus.INTERNAL_SERVER_ERROR).body(p);
    }

    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(MaxUploadSizeExceededException ex,
                                                                          HttpHeaders headers, HttpStatusCode status,
                                                                          WebRequest request) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
                "the upload is larger than the limit of " + ex.getMaxUploadSize() + " bytes");
        p.setProperty("field", "file");
        p.setProperty("limit", ex.getMaxUploadSize());
        return respond(HttpStatus.CONTENT_TOO_LARGE).body(p);
    }

    /** Which Content-Type was wrong, and which the endpoint takes; Spring's sentence says 'null' for none. */
    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException ex,
                                                                     HttpHeaders headers, HttpStatusCode status,
                                                                     WebRequest request) {
        String sent = request.getHeader(HttpHeaders.CONTENT_TYPE);
        String accepted = ex.getSupportedMediaTypes().isEmpty() ? "" : "; send one of: "
                + ex.getSupportedMediaTypes().stream().map(MediaType::toString).collect(Collectors.joining(", "));
        String detail;
        if (sent == null || sent.isBlank()) {
            detail = "the request has no Content-Type" + accepted;
        } else if (ex.getContentType() == null) {
            detail = "the Content-Type '" + shortened(sent) + "' cannot be read as a media type" + accepted;
        } else {
            detail = "the Content-Type '" + shortened(ex.getContentType().toString()) + "' is not accepted here"
                    + accepted;
        }
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setProperty("field", HttpHeaders.CONTENT_TYPE);
        return createResponseEntity(p, headers, status, request);
    }

    private static String shortened(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "...";
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof PayloadTooLargeException big) {
                return respond(HttpStatus.CONTENT_TOO_LARGE).body(tooLargeProblem(big).getBody());
            }
        }
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, unreadable(ex));
        p.setProperty("field", "body");
        Json.limitExceeded(ex).ifPresent(l -> p.setProperty("limit", l.limit()));
        return respond(HttpStatus.BAD_REQUEST).body(p);
    }

    /** What is wrong with an unreadable body, by position and field, never in the parser's own words. */
    private static String unreadable(HttpMessageNotReadableException ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof DatabindException bind) {
                String field = bind.getPath().stream().map(r -> r.getPropertyName() != null ? r.getPropertyName()
                        : "[" + r.getIndex() + "]").collect(Collectors.joining("."));
                return "the request body has a value of the wrong type" + (field.isEmpty() ? "" : " in '" + field + "'")
                        + Json.where(bind);
            }
            if (t instanceof JacksonException) {
                Optional<Json.LimitExceeded> limit = Json.limitExceeded(t);
                if (limit.isPresent()) {
                    return "the request body " + limit.get().words() + Json.where(t);
                }
                return "the request body is not valid JSON" + Json.where(t);
            }
        }
        return "the request body is missing or is not valid JSON";
    }

    /**
     * An answer whose Content-Type is set to problem+json before the body is written, so that the request's Accept
     * is not consulted: an Accept that cannot be parsed, or that names only other types (text/html, an event
     * stream), would otherwise leave the error without a body.
     */
    private static ResponseEntity.BodyBuilder respond(HttpStatusCode status) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    /** The same for the answers of the base class (405, 406, 415, a missing parameter, ...). */
    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode,
                                                          WebRequest request) {
        HttpHeaders h = new HttpHeaders();
        h.putAll(headers);
        if (body instanceof ProblemDetail) {
            h.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        return new ResponseEntity<>(body, h, statusCode);
    }

    private static ResponseEntity<ProblemDetail> tooLargeProblem(PayloadTooLargeException e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, e.getMessage());
        p.setProperty("field", "body");
        p.setProperty("limit", e.limit());
        return respond(HttpStatus.CONTENT_TOO_LARGE).body(p);
    }
}
