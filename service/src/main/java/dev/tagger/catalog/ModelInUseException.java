package dev.tagger.catalog;

/** A model cannot be removed: it is served, it is the default one, or something still needs it. */
public class ModelInUseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ModelInUseException(String message) {
        super(message);
    }
}
