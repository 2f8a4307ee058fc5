package dev.tagger.store.shared;

import dev.tagger.serving.ServiceUnavailableException;

/**
 * PostgreSQL or the object store did not answer. The HTTP layer turns it into 503 with Retry-After, like every
 * {@link ServiceUnavailableException}; the replica keeps serving /classify from memory meanwhile.
 */
public class StoreUnavailableException extends ServiceUnavailableException {

    private static final long RETRY_AFTER_SECONDS = 5;

    public StoreUnavailableException(Throwable cause) {
        super(Reason.STORE_UNAVAILABLE, "the shared store is unavailable (" + cause.getMessage()
                + "); retry shortly", RETRY_AFTER_SECONDS);
        initCause(cause);
    }
}
