package dev.tagger.catalog;

/** A model cannot be removed: it is served, or it is the default one. */
public class ModelInUseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ModelInUseException(String message) {
        super(message);
    }
}
