package dev.tagger.training.jobs;

import dev.tagger.catalog.ModelCatalog;
import dev.tagger.datasets.DatasetInfo;
import dev.tagger.datasets.DatasetRepository;
import dev.tagger.datasets.DatasetSplitter;
import dev.tagger.datasets.Example;
import dev.tagger.model.BertConfig;
import dev.tagger.model.format.BaseModels;
import dev.tagger.model.format.ModelBundleIO;

import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a {@link TrainRequest} into a {@link Plan}: the base model and the datasets it names are looked up, the
 * labels are derived from the data when not given, the training mode is checked against the base's layers and
 * every parameter not given gets its default for the mode and the data size. A request that cannot run is
 * refused with an {@link InvalidJobException} naming the field, before anything is stored.
 */
@Component
public class TrainPlanner {

    /** Held out for validation when the request names no validation data. */
    static final double DEFAULT_SPLIT = 0.2;
    /** Texts are cut to this many tokens when the base does not say. */
    static final int DEFAULT_MAX_TOKENS = 128;

    /**
     * A job ready to be queued.
     *
     * @param spec     what it does, fully resolved
     * @param examples the examples sent with it, or null when it reads stored datasets
     * @param warnings what the plan shows of its validation data that makes its results untrustworthy (too few
     *                 texts, labels with too few positives); the job checks again once it has loaded its data
     */
    public record Plan(TrainSpec spec, List<Example> examples, List<String> warnings) {
        public Plan {
            warnings = warnings == null ? List.of() : List.copyOf(warnings);
        }

        public Plan(TrainSpec spec, List<Example> examples) {
            this(spec, examples, List.of());
        }
    }

    private final DatasetRepository datasets;
    private final ModelCatalog models;

    public TrainPlanner(DatasetRepository datasets, ModelCatalog models) {
        this.datasets = datasets;
        this.models = models;
    }

    /** What is known of the base model before it is loaded. */
    private record Base(String ref, int layers, int maxTokens) {
    }

    public Plan plan(TrainRequest r) {
        Base base = base(r.base() != null ? r.base() : BaseModels.MINILM);
        List<String> given = r.labels();

        TrainSpec.TrainingData trainingData;
        Set<String> labels = new LinkedHashSet<>();
        long trainingRows;
        if (r.trainingDatasetId() != null) {
            DatasetInfo info = dataset(r.trainingDatasetId(), "training_data.dataset_id");
            checkLabelsCover(given, info, "training_data.dataset_id");
            trainingData = new TrainSpec.TrainingData(info.id(), null);
            labels.addAll(info.labels());
            trainingRows = info.rows();
        } else {
            List<Example> examples = r.examples();
            trainingData = new TrainSpec.TrainingData(null, examples.size());
            if (given != null) {
                labels.addAll(given);
            } else {
                // As a dataset's own label list: the labels seen, sorted, so the order does not depend on the rows'.
                Set<String> seen = new TreeSet<>();
                examples.forEach(e -> seen.addAll(e.labels()));
                labels.addAll(seen);
            }
            trainingRows = examples.size();
        }

        TrainSpec.ValidationData validationData;
        TrainRequest.Validation v = r.validation();
        DatasetInfo validationInfo = null;
        if (v == null) {
            validationData = new TrainSpec.ValidationData(null, DEFAULT_SPLIT);
        } else if (v.datasetId() != null) {
            DatasetInfo info = dataset(v.datasetId(), "validation_data.dataset_id");
            checkLabelsCover(given, info, "validation_data.dataset_id");
            labels.addAll(info.labels());
            validationData = new TrainSpec.ValidationData(info.id(), null);
            validationInfo = info;
        } else {
            validationData = new TrainSpec.ValidationData(null, v.split());
        }
        if (validationData.split() != null && trainingRows < 2) {
            throw new InvalidJobException("training_data", "a validation split needs at least 2 training examples; "
                    + "give more, or a validation dataset", 2);
        }
        long trainExamples = validationData.split() != null
                ? Math.round(trainingRows * (1 - validationData.split())) : trainingRows;
        TrainSpec.Parameters parameters = parameters(r.parameters(), base, trainExamples);
        List<String> finalLabels = given != null ? given : List.copyOf(labels);
        if (finalLabels.isEmpty()) {
            throw new InvalidJobException("labels", "the data has no labels: label some examples or give 'labels'");
        }
        DeployPolicy deploy = r.deploy() != null ? r.deploy() : DeployPolicy.NEVER;
        return new Plan(new TrainSpec(r.name(), trainingData, validationData, finalLabels, base.ref(), parameters,
                deploy), r.examples(), warnings(r.examples(), validationInfo, validationData, trainingRows, finalLabels,
                parameters.seed()));
    }

    /**
     * The validation warnings that can be told before the job runs: all of them for examples sent with the job
     * (split here as the job will split them) and for a validation dataset (its statistics); for a split of a
     * stored dataset only its size, as the positives depend on the rows the split draws.
     */
    private static List<String> warnings(List<Example> examples, DatasetInfo validation,
                                         TrainSpec.ValidationData validationData, long trainingRows,
                                         List<String> labels, long seed) {
        if (validation != null) {
            long[] positives = new long[labels.size()];
            for (int j = 0; j < labels.size(); j++) {
                positives[j] = validation.stats().labelCounts().getOrDefault(labels.get(j), 0L);
            }
            return ValidationWarnings.of(validation.rows(), labels, positives);
        }
        if (examples != null) {
            List<Example> held = DatasetSplitter.split(examples, validationData.split(), seed).validation();
            long[] positives = new long[labels.size()];
            for (Example e : held) {
                for (String l : e.labels().stream().distinct().toList()) {
                    int j = labels.indexOf(l);
                    if (j >= 0) {
                        positives[j]++;
                    }
                }
            }
            return ValidationWarnings.of(held.size(), labels, positives);
        }
        return ValidationWarnings.of(DatasetSplitter.validationSize(trainingRows, validationData.split()), labels,
                null);
    }

    /**
     * Refuses a base that no job can start from. {@link #plan} checks it too; a request parser may call this as
     * soon as it reads the field, so that a request with several faults is refused for the one it names first.
     */
    public void checkBase(String ref) {
        base(ref);
    }

    /**
     * Refuses a dataset that is not stored, or that uses labels outside {@code labels} (when given). {@link #plan}
     * checks it too; see {@link #checkBase} for why a parser may call it first.
     *
     * @param field the request field that names the dataset
     */
    public void checkDataset(String id, List<String> labels, String field) {
        checkLabelsCover(labels, dataset(id, field), field);
    }

    private Base base(String ref) {
        if (BaseModels.isBuiltin(ref)) {
            return new Base(ref, BertConfig.MINILM_L6.numLayers(), DEFAULT_MAX_TOKENS);
        }
        Optional<ModelBundleIO.Summary> model = models.find(ref);
        if (model.isEmpty()) {
            throw new InvalidJobException("base", "no stored model '" + ref + "'; start from " + BaseModels.MINILM
                    + " or from the id of a stored model");
        }
        if (model.get().torchScript()) {
            throw new InvalidJobException("base", "model '" + ref + "' is a TorchScript module: it can be served but "
                    + "not trained from (its weights exist only inside model.pt); use " + BaseModels.MINILM
                    + " or a Tagger or Hugging Face model");
        }
        int layers = model.get().layers() > 0 ? model.get().layers() : BertConfig.MINILM_L6.numLayers();
        int maxTokens = model.get().maxTokens() > 0 ? model.get().maxTokens() : DEFAULT_MAX_TOKENS;
        return new Base(ref, layers, maxTokens);
    }

    private static TrainSpec.Parameters parameters(TrainRequest.Parameters p, Base base, long trainExamples) {
        TrainMode mode = TrainMode.HEAD;
        if (p.train() != null) {
            try {
                mode = TrainMode.parse(p.train(), base.layers());
            } catch (IllegalArgumentException e) {
                throw new InvalidJobException("parameters.train", e.getMessage());
            }
        }
        TrainSpec.Parameters d = TrainSpec.Parameters.defaults(mode, base.maxTokens(), trainExamples);
        return new TrainSpec.Parameters(mode,
                or(p.epochs(), d.epochs()),
                or(p.learningRate(), d.learningRate()),
                or(p.headLearningRate(), d.headLearningRate()),
                or(p.batchSize(), d.batchSize()),
                or(p.maxTokens(), d.maxTokens()),
                or(p.warmupRatio(), d.warmupRatio()),
                or(p.weightDecay(), d.weightDecay()),
                or(p.dropout(), d.dropout()),
                or(p.clipNorm(), d.clipNorm()),
                or(p.seed(), d.seed()),
                or(p.minPositives(), d.minPositives()));
    }

    private static <T> T or(T given, T fallback) {
        return given != null ? given : fallback;
    }

    private DatasetInfo dataset(String id, String field) {
        try {
            return datasets.find(DatasetRepository.checkId(id)).orElseThrow(() -> new InvalidJobException(field,
                    "no stored dataset with id '" + id + "'; upload the dataset first"));
        } catch (IllegalArgumentException e) {
            throw new InvalidJobException(field, "no stored dataset with id '" + id + "'; " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Given labels must name every label the dataset uses, or its examples could not be trained on. */
    private static void checkLabelsCover(List<String> given, DatasetInfo info, String field) {
        if (given == null) {
            return;
        }
        Set<String> missing = new TreeSet<>();
        info.stats().labelCounts().forEach((l, n) -> {
            if (n > 0 && !given.contains(l)) {
                missing.add(l);
            }
        });
        if (!missing.isEmpty()) {
            throw new InvalidJobException(field, "dataset " + info.id() + " uses labels that are not in 'labels': "
                    + missing);
        }
    }
}
