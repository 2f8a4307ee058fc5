package dev.tagger.training.jobs;

import dev.tagger.catalog.ModelUsers;

import org.springframework.stereotype.Component;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What queued and running jobs read: their datasets and base models must not be deleted under them. */
@Component
public class ActiveJobs implements ModelUsers {

    private static final Set<JobStatus> ACTIVE = EnumSet.of(JobStatus.QUEUED, JobStatus.RUNNING);

    private final JobRepository jobs;

    public ActiveJobs(JobRepository jobs) {
        this.jobs = jobs;
    }

    /** A model that a queued or running job starts from is in use. */
    @Override
    public Optional<String> use(String modelId) {
        return active().anyMatch(s -> s.base().equals(modelId))
                ? Optional.of("model '" + modelId + "' is the base of a queued or running training job")
                : Optional.empty();
    }

    /** Datasets that queued or running jobs read. */
    public Set<String> datasetsInUse() {
        return active().flatMap(s -> Stream.of(s.trainingData().datasetId(), s.validationData().datasetId()))
                .filter(Objects::nonNull).collect(Collectors.toSet());
    }

    private Stream<TrainSpec> active() {
        return jobs.list(ACTIVE, 0, Integer.MAX_VALUE).items().stream().map(TrainJob::request);
    }
}
