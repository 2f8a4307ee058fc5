package dev.tagger.store.local;

import dev.tagger.training.jobs.JobRepository;
import dev.tagger.training.jobs.JobRepositoryContract;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The job contract, for files. */
class FileJobRepositoryContractTest extends JobRepositoryContract {

    @TempDir
    Path root;

    @Override
    protected JobRepository repository() {
        return new FileJobRepository(root);
    }
}
