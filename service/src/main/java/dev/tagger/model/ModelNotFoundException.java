package dev.tagger.model;

import java.util.NoSuchElementException;

/** No model is known under the id asked for. */
public class ModelNotFoundException extends NoSuchElementException {

    private static final long serialVersionUID = 1L;

    public ModelNotFoundException(String id) {
        super("no model with id '" + id + "'");
    }
}
