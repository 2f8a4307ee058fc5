package dev.tagger.api;

import org.springframework.http.HttpStatus;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the API refuses, with what was wrong, which field, and the limit where one applies;
 * {@link ApiErrors} turns it into problem+json.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String field;
    private final Object limit;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private Long retryAfterSeconds;

    public ApiException(HttpStatus status, String field, String detail, Object limit) {
        super(detail);
        this.status = status;
        this.field = field;
        this.limit = limit;
    }

    /** 422: the JSON is well-formed but a value is not acceptable. */
    public static ApiException invalid(String field, String detail) {
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, field, detail, null);
    }

    public static ApiException invalid(String field, String detail, Object limit) {
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, field, detail, limit);
    }

    public static ApiException notFound(String what) {
        return new ApiException(HttpStatus.NOT_FOUND, null, what, null);
    }

    /** 409: the request is valid but the resource's state does not allow it. */
    public static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, null, detail, null);
    }

    /** Adds a property to the problem document (e.g. the list of errors found in an upload). */
    public ApiException with(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    /** Adds a Retry-After header: the refusal is temporary (e.g. a budget that other requests hold). */
    public ApiException retryAfter(long seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    /** The Retry-After seconds, or null. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public Map<String, Object> properties() {
        return properties;
    }

    public HttpStatus status() {
        return status;
    }

    public String field() {
        return field;
    }

    public Object limit() {
        return limit;
    }
}
