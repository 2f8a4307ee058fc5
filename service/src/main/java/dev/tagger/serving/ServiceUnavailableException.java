package dev.tagger.serving;

/**
 * The service cannot take the request right now; the client may retry after {@link #retryAfterSeconds()}.
 * {@link Reason} tells the HTTP layer which status applies.
 */
public class ServiceUnavailableException extends RuntimeException {

    /** Why the request was not served. */
    public enum Reason {
        /** The queue is full: 429. */
        OVERLOADED,
        /** No model is loaded yet: 503. */
        NOT_READY,
        /** The request waited longer than its deadline: 503. */
        TIMEOUT,
        /** The service is shutting down: 503. */
        SHUTTING_DOWN
    }

    private final Reason reason;
    private final long retryAfterSeconds;

    public ServiceUnavailableException(Reason reason, String message, long retryAfterSeconds) {
        super(message);
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Reason reason() {
        return reason;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
