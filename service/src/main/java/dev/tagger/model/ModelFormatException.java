package dev.tagger.model;

/** A model directory, bundle or weight file that cannot be used, with a message a user can act on. */
public class ModelFormatException extends RuntimeException {

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
