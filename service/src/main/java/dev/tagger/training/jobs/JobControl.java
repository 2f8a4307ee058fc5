package dev.tagger.training.jobs;

import java.util.List;

/** How a running job reports where it is, and learns at each checkpoint that it must stop. */
interface JobControl {

    /** Returns normally, or throws {@link JobStoppedException} when the job was cancelled or the service stops. */
    void checkpoint();

    void phase(String phase);

    void encoded(int done, int total);

    void step(int epoch, int epochs, long step, long totalSteps, float loss, int examples);

    void baseline(TrainJob.Scores scores);

    void epoch(TrainJob.EpochReport report);

    /** The job's warnings, as its loaded data shows them (they replace those of its plan). */
    void warnings(List<String> warnings);

    /** Thrown at a checkpoint of a job that must stop. */
    final class JobStoppedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final JobStatus status;

        JobStoppedException(JobStatus status, String reason) {
            super(reason);
            this.status = status;
        }

        JobStatus status() {
            return status;
        }
    }
}
