package dev.tagger.catalog;

import dev.tagger.model.ModelBundle;

/**
 * What puts the catalog's choice into service. The serving pool implements it; the catalog only decides which
 * version that is and remembers it, so the catalog never depends on how or where models run.
 */
public interface ModelServer {

    /** Loads and warms {@code bundle} and serves it; returns the bundle as served (limits applied). */
    ModelBundle serve(ModelBundle bundle);

    /** The id of the model served now, or null while none is loaded. */
    String servedId();

    /** The content version of the model served now, or null while none is loaded. */
    default String servedVersion() {
        return null;
    }
}
