package dev.tagger.training.jobs;

import dev.tagger.catalog.ModelCatalog;
import dev.tagger.catalog.ModelInUseException;
import dev.tagger.datasets.DatasetRepository;
import dev.tagger.datasets.Example;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.ModelNotFoundException;
import dev.tagger.model.format.BaseModels;
import dev.tagger.model.format.ModelBundleIO;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Runs one job from start to end on the calling thread: loads its data and its base model (a copy of its own,
 * never the served one), hands them to the {@link TrainingPipeline}, stores the model it makes through the
 * catalog and applies the {@link DeployDecision}. The runner calls it; a cancel stops it at the next checkpoint.
 * <p>
 * A job that does not succeed leaves no model. Writing the model is not the point of no return: a cancel or a
 * shutdown still stops the job while it compares the new model with the served one (scoring the served model can
 * take as long as an epoch, too long to make a cancel wait), and then, as when any later step fails, the model it
 * wrote is {@linkplain #discardModel deleted} before the job ends CANCELLED or FAILED. Deploying is the point of no
 * return: it has no checkpoint, and a served model is never deleted. A crash between the write and the job's end
 * leaves the model behind until the next start, where the runner deletes it with the job it ends as interrupted.
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
        List<String> warnings = ValidationWarnings.of(data.validation());
        if (!warnings.equals(job.warnings())) {
            control.warnings(warnings);
        }
        ModelBundle start = BaseModels.isBuiltin(spec.base())
                ? StartModel.fromBuiltin(BaseModels.builtin(spec.base()), spec, modelId(job.id()))
                : StartModel.fromModel(models.load(spec.base()), spec, modelId(job.id()));
        control.checkpoint();

        TrainingPipeline.Trained trained = pipeline.run(job.id(), spec, start, data, clock.instant(), t0, control);

        control.checkpoint();
        control.phase("writing");
        ModelBundle written = models.add(trained.bundle());
        log.info("job {}: wrote model {} version {}", job.id(), written.id(), written.version());
        TrainJob.Deployment deployment;
        try {
            deployment = deploy.apply(spec.deploy(), written, data.validation(), trained.crossFitMacroF1(),
                    spec.parameters().minPositives(), control);
        } catch (RuntimeException | Error stoppedOrFailed) {
            discardModel(job.id());
            throw stoppedOrFailed;
        }
        return new TrainJob.Result(written.id(), written.version(), trained.metrics(), trained.timings(), deployment);
    }

    /**
     * Deletes the model that a job which did not succeed wrote: one with the job's {@link #modelId}, made by this job
     * (its card names it), that is not served and that no queued or running job starts from. A failure to delete is
     * logged, not thrown: the job's own end matters more.
     *
     * @return whether a model was deleted
     */
    boolean discardModel(String jobId) {
        String id = modelId(jobId);
        try {
            Optional<ModelBundleIO.Summary> model = models.find(id);
            if (model.isEmpty() || !jobId.equals(model.get().card().path("job").asString(""))) {
                return false;
            }
            if (id.equals(models.servingId())) {
                log.warn("job {} did not succeed but its model {} is served: it is kept", jobId, id);
                return false;
            }
            models.delete(id);
            log.info("job {} did not succeed: its model {} is deleted", jobId, id);
            return true;
        } catch (ModelInUseException | ModelNotFoundException e) {
            log.warn("job {} did not succeed; its model {} is kept: {}", jobId, id, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("job {} did not succeed; its model {} could not be deleted: {}", jobId, id, e.toString());
        }
        return false;
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
