package dev.tagger.bulk;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Where bulk jobs, their inputs and their results are kept. A new job is written through a {@link Draft} and
 * exists, with all its inputs, only once committed. Results are appended in input order, one JSON line per input;
 * {@link #openResults} reopens them after a restart at the last complete line, so a job resumes from there.
 * <p>
 * Implementations: {@code store/local} (files under the data dir, fsync and atomic renames).
 */
public interface BulkJobRepository {

    /** Starts a new job's inputs; close it whether or not it is committed. */
    Draft create(String id) throws IOException;

    Optional<BulkJob> find(String id);

    /** Every job, newest first. */
    List<BulkJob> list();

    /** Persists a change of a job (its status, its model, its final progress). */
    void save(BulkJob job);

    /** Deletes a job with its inputs and results; false when none had this id. */
    boolean delete(String id) throws IOException;

    /** The inputs of a job from the 0-based position {@code skip}, in order. */
    Inputs inputs(String id, long skip) throws IOException;

    /** Opens the results for appending, after the last complete line (a torn last line is cut off). */
    Results openResults(String id) throws IOException;

    /** The complete result lines written so far (the last line only once it is whole). */
    InputStream readResults(String id) throws IOException;

    /** Drops a job's inputs once it has ended: its results carry each input's id. */
    void dropInputs(String id);

    /** A job's inputs being written, then committed with the job in one step. Not thread-safe. */
    interface Draft extends Closeable {

        void add(BulkInput input) throws IOException;

        /** Stores the inputs added so far and the job; it is visible from now on. */
        void commit(BulkJob job) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** A job's inputs, read in order. */
    interface Inputs extends Iterator<BulkInput>, Closeable {
    }

    /** A job's results file, open for appending. Not thread-safe. */
    interface Results extends Closeable {

        /** Complete lines already there when it was opened (the texts already processed). */
        long lines();

        /** Appends whole lines (each ending with a newline) and forces them to disk before returning. */
        void append(byte[] lines, int count) throws IOException;
    }
}
