package dev.tagger.datasets;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where validated datasets are kept: each is its examples plus a {@link DatasetInfo}. A new dataset is written
 * through a {@link Draft} and becomes visible, whole, only when the draft is committed; a draft that is closed
 * without a commit leaves nothing behind. Validation is not the repository's work: {@link DatasetUploads} parses
 * an upload and commits a draft only when it has no problem.
 * <p>
 * Implementations are safe for concurrent use. Ids are {@link #ID} and never name anything outside the store;
 * every method that takes an id throws {@link IllegalArgumentException} for one that is not.
 */
public interface DatasetRepository {

    /** 1 to 64 of {@code [A-Za-z0-9_-]}. */
    Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** Starts a new dataset; close the draft (try-with-resources) whether or not it is committed. */
    Draft create() throws IOException;

    /** The dataset with this id, if stored. */
    Optional<DatasetInfo> find(String id) throws IOException;

    /** All stored datasets, oldest first (ties by id). */
    List<DatasetInfo> list() throws IOException;

    /**
     * The examples of a stored dataset, in upload order.
     *
     * @throws DatasetNotFoundException when no dataset has this id
     */
    List<Example> load(String id) throws IOException;

    /** Deletes a dataset; false when none had this id. */
    boolean delete(String id) throws IOException;

    /**
     * Checks an id given by a caller.
     *
     * @return the id
     * @throws IllegalArgumentException when it is not {@link #ID}
     */
    static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("invalid dataset id: ids are 1 to 64 characters of [A-Za-z0-9_-]");
        }
        return id;
    }

    /** A dataset being written: examples go in one by one, then {@link #commit} stores it. Not thread-safe. */
    interface Draft extends Closeable {

        /** A directory on local disk for the caller's own temporary files (e.g. the raw upload), removed with the draft. */
        Path scratch() throws IOException;

        /** Appends an example; the stored dataset keeps them in this order. */
        void add(Example example) throws IOException;

        /**
         * Stores the examples added so far with their metadata, under a new id, in one step.
         *
         * @param name   a name for people, already checked
         * @param format the format it was uploaded in
         * @param bytes  the size of the upload
         * @param stats  statistics of the examples added
         * @return the stored dataset
         */
        DatasetInfo commit(String name, DatasetFormat format, long bytes, DatasetStats stats) throws IOException;

        /** Discards everything written unless the draft was committed. */
        @Override
        void close() throws IOException;
    }
}
