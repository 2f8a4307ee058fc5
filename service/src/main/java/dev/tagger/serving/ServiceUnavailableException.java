package dev.tagger.serving;

/**
 * The service cannot take the request right now; the client may retry after {@link #retryAfterSeconds()}.
 * {@link Reason} tells the HTTP layer which status applies.
 */
public class ServiceUnavailableException extends RuntimeException {

    /** Why the request was not served. */
    public enum Reason {
        /** The queue is full, or would not answer before the deadline: 429. */
        OVERLOADED(null),
        /** No model is loaded yet: 503. */
        NOT_READY(null),
        /** The request waited longer than its deadline: 503. */
        TIMEOUT(null),
        /** The service is shutting down: 503. */
        SHUTTING_DOWN(null),
        /** The model failed on the request's texts (the detail says how): 503. */
        INFERENCE_FAILED("Inference failed"),
        /** The shared store (database or object store) cannot be reached: 503, until it is back. */
        STORE_UNAVAILABLE("Store unavailable");

        private final String title;

        Reason(String title) {
            this.title = title;
        }

        /** A title for the problem document where the status's own ("Service Unavailable") would not say why; or null. */
        public String title() {
            return title;
        }
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
