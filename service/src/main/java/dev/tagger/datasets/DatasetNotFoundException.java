package dev.tagger.datasets;

import java.util.NoSuchElementException;

/** No dataset is stored under the id asked for. */
public class DatasetNotFoundException extends NoSuchElementException {

    private static final long serialVersionUID = 1L;

    private final String id;

    public DatasetNotFoundException(String id) {
        super("no dataset with id '" + id + "'");
        this.id = id;
    }

    public String id() {
        return id;
    }
}
