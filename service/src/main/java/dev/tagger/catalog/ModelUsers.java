package dev.tagger.catalog;

import java.util.Optional;

/**
 * Something outside the catalog that reads stored models, such as training jobs that start from one. The catalog
 * asks every user before it deletes a model; implementations live with what uses the models, so the catalog
 * never depends on them.
 */
public interface ModelUsers {

    /** Why model {@code modelId} must not be deleted now, or empty when this user does not need it. */
    Optional<String> use(String modelId);
}
