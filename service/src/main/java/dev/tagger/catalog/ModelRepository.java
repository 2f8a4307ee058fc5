package dev.tagger.catalog;

import dev.tagger.model.ModelBundle;
import dev.tagger.model.format.ModelBundleIO;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where trained and imported model bundles are kept, and the pointer to the version that is served. Bundles never
 * change once written. The default model is not in here: it comes with the service ({@link DefaultModel}).
 * <p>
 * Implementations: {@code store/local} (a directory per bundle and a small pointer file, the default). A shared
 * implementation (database rows for versions and the pointer, bundles in an object store) plugs in beside it.
 * Ids are checked by the caller ({@link ModelCatalog#validId}); an implementation may rely on that.
 */
public interface ModelRepository {

    /** The version that is served, as the last deploy wrote it. */
    record ServedVersion(String id, String version, Instant deployedAt) {
    }

    /** Every stored bundle, in no particular order. Bundles that cannot be read are left out (with a warning). */
    List<ModelBundleIO.Summary> list();

    Optional<ModelBundleIO.Summary> find(String id);

    /**
     * Reads a whole bundle (weights included).
     *
     * @throws dev.tagger.model.ModelNotFoundException when there is none with this id
     */
    ModelBundle load(String id);

    /** Stores a new bundle under its id, atomically: it is found whole or not at all. Returns it with its version. */
    ModelBundle add(ModelBundle bundle);

    /** Bytes the stored bundle takes. */
    long sizeInBytes(String id);

    /** Deletes a stored bundle; false when there is none with this id. */
    boolean delete(String id);

    /** The served-version pointer, or empty when nothing was deployed yet or it cannot be read (with a warning). */
    Optional<ServedVersion> served();

    /** Moves the served-version pointer, durably: a restart serves this version again. */
    void markServed(ServedVersion served);
}
