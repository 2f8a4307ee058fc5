package dev.tagger.bulk;

import dev.tagger.ServiceTestBase;
import dev.tagger.config.BulkProperties;
import dev.tagger.config.TaggerProperties;
import dev.tagger.serving.Classifier;
import dev.tagger.serving.PredictorPool;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Tests that run a {@link BulkJobs} runner of their own over a repository they control, against the shared
 * context's real classifier and model: small chunks (8 texts, 32 in flight) so that a job spans many of them.
 */
abstract class BulkRunnerTestBase extends ServiceTestBase {

    static final BulkProperties PROPS = new BulkProperties(null, null, null, 8, 32, null, null, null);
    static final BulkOptions OPTIONS = new BulkOptions(null, 2, false, null, null, null, null);

    @Autowired
    Classifier classifier;
    @Autowired
    PredictorPool pool;
    @Autowired
    TaggerProperties tagger;

    /** A runner over {@code repo} with this context's classifier (or another one), not yet started. */
    BulkJobs runner(BulkJobRepository repo, Classifier with) {
        return new BulkJobs(repo, with, pool, PROPS, tagger, new SimpleMeterRegistry());
    }
}
