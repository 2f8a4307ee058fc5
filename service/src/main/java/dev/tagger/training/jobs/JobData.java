package dev.tagger.training.jobs;

import dev.tagger.datasets.DatasetSplitter;
import dev.tagger.datasets.Example;
import dev.tagger.training.LabelledTexts;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A job's training and validation data in the shape training consumes.
 *
 * @param validationSource where the validation data came from, in words (for the model card)
 */
record JobData(LabelledTexts train, LabelledTexts validation, String validationSource) {

    /**
     * @param train      the training examples
     * @param validation the validation examples, or null to hold out the spec's split of {@code train}
     */
    static JobData of(TrainSpec spec, List<Example> train, List<Example> validation) {
        String source;
        if (validation != null) {
            source = "dataset " + spec.validationData().datasetId();
        } else {
            DatasetSplitter.Split split = DatasetSplitter.split(train, spec.validationData().split(),
                    spec.parameters().seed());
            train = split.train();
            validation = split.validation();
            source = String.format(Locale.ROOT, "%.3f of the training data, held out (seed %d)",
                    spec.validationData().split(), spec.parameters().seed());
        }
        if (train.isEmpty() || validation.isEmpty()) {
            throw new IllegalStateException("the job needs training and validation examples; it has "
                    + train.size() + " and " + validation.size());
        }
        return new JobData(labelled(train, spec.labels()), labelled(validation, spec.labels()), source);
    }

    static LabelledTexts labelled(List<Example> examples, List<String> labels) {
        Map<String, Integer> index = new HashMap<>();
        for (int j = 0; j < labels.size(); j++) {
            index.put(labels.get(j), j);
        }
        boolean[][] truth = new boolean[examples.size()][labels.size()];
        for (int i = 0; i < examples.size(); i++) {
            for (String l : examples.get(i).labels()) {
                Integer j = index.get(l);
                if (j == null) {
                    throw new IllegalStateException("label '" + l + "' of the data is not one of the job's labels");
                }
                truth[i][j] = true;
            }
        }
        return new LabelledTexts(examples.stream().map(Example::text).toList(), truth, labels);
    }
}
