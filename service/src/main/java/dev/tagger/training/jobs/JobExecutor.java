package dev.tagger.training.jobs;

import dev.tagger.catalog.ModelCatalog;
import dev.tagger.datasets.DatasetRepository;
import dev.tagger.datasets.Example;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.format.BaseModels;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.time.Clock;
import java.util.List;

/**
 * Runs one job from start to end on the calling thread: loads its data and its base model (a copy of its own,
 * never the served one), hands them to the {@link TrainingPipeline}, stores the model it makes through the
 * catalog and applies the {@link DeployDecision}. The runner calls it; a cancel stops it at the next checkpoint.
 */
@Component
public class JobExecutor {

    private static final Logger log = LoggerFactory.getLogger(JobExecutor.class);

    private final DatasetRepository datasets;
    private final ModelCatalog models;
    private final JobRepository jobs;
    private final TrainingPipeline pipeline;
    private final DeployDecision deploy;
    private final Clock clock = Clock.systemUTC();

    public JobExecutor(DatasetRepository datasets, ModelCatalog models, JobRepository jobs, TrainingPipeline pipeline,
                       DeployDecision deploy) {
        this.datasets = datasets;
        this.models = models;
        this.jobs = jobs;
        this.pipeline = pipeline;
        this.deploy = deploy;
    }

    /** The id a job's model gets. */
    public static String modelId(String jobId) {
        return "model-" + jobId;
    }

    TrainJob.Result execute(TrainJob job, JobControl control) throws IOException {
        long t0 = System.nanoTime();
        TrainSpec spec = job.request();
        control.phase("loading");
        JobData data = load(job);
        ModelBundle start = BaseModels.isBuiltin(spec.base())
                ? StartModel.fromBuiltin(BaseModels.builtin(spec.base()), spec, modelId(job.id()))
                : StartModel.fromModel(models.load(spec.base()), spec, modelId(job.id()));
        control.checkpoint();

        TrainingPipeline.Trained trained = pipeline.run(job.id(), spec, start, data, clock.instant(), t0, control);

        control.checkpoint();
        control.phase("writing");
        ModelBundle written = models.add(trained.bundle());
        log.info("job {}: wrote model {} version {}", job.id(), written.id(), written.version());
        // Writing the model is the point of no return: a cancel from here on is too late.
        TrainJob.Deployment deployment = deploy.apply(spec.deploy(), written, data.validation(),
                trained.crossFitMacroF1(), spec.parameters().minPositives(), control);
        return new TrainJob.Result(written.id(), written.version(), trained.metrics(), trained.timings(), deployment);
    }

    private JobData load(TrainJob job) throws IOException {
        TrainSpec spec = job.request();
        List<Example> train = spec.trainingData().datasetId() != null
                ? datasets.load(spec.trainingData().datasetId()) : jobs.examples(job.id());
        List<Example> validation = spec.validationData().datasetId() != null
                ? datasets.load(spec.validationData().datasetId()) : null;
        return JobData.of(spec, train, validation);
    }
}
