package dev.tagger.model.format;

import dev.tagger.model.BertConfig;
import dev.tagger.model.HostTensor;
import dev.tagger.model.Pooling;
import dev.tagger.model.WeightSet;
import dev.tagger.model.nn.ClassificationHead;
import dev.tagger.model.nn.Predictor;
import dev.tagger.model.nn.TaggerModel;
import dev.tagger.text.TokenizedText;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.ModelFormatException;
import dev.tagger.model.nn.TorchScriptModel;

import ai.djl.Device;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a Hugging Face checkpoint directory (config.json, model.safetensors, tokenizer.json; a Tagger bundle
 * works too) into a validated {@link ModelBundle}: the problem type is checked (only multi-label sigmoid heads are
 * served), tensors the model does not use are dropped and reported, thresholds are set, and the model is loaded
 * on the CPU and run on a probe text. Nothing is stored here: a model that fails any step never reaches the store.
 */
public final class ModelImporter {

    public static final String MULTI_LABEL = "multi_label_classification";
    static final String PROBE_TEXT = "This is a probe text to check that the model runs.";

    /**
     * @param problemTypeOverride {@code multi_label_classification} to serve a head whose config says otherwise
     * @param threshold           one decision threshold for every label (null: the checkpoint's, else 0.5)
     * @param thresholds          per-label thresholds, applied after {@code threshold}
     * @param source              where the files came from, for the model card ("upload" or the path)
     */
    public record Options(String problemTypeOverride, Float threshold, Map<String, Float> thresholds, String source) {
        public Options {
            thresholds = thresholds == null ? Map.of() : Map.copyOf(thresholds);
        }
    }

    /**
     * A validated model, ready to store.
     *
     * @param ignoredTensors tensors of the checkpoint the model does not use (Hugging Face names)
     * @param parameters     weights the model keeps
     * @param probeMillis    time of one forward pass on the probe text, on the CPU
     */
    public record Result(ModelBundle bundle, List<String> ignoredTensors, long parameters, double probeMillis,
                         Map<String, Float> probe) {
    }

    private ModelImporter() {
    }

    /**
     * The directory holding config.json (or, for a TorchScript model, model.pt): {@code dir} itself or its only
     * subdirectory (archives often wrap one).
     */
    public static Path checkpointRoot(Path dir) {
        if (isRoot(dir)) {
            return dir;
        }
        List<Path> subdirs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, Files::isDirectory)) {
            ds.forEach(subdirs::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (subdirs.size() == 1 && isRoot(subdirs.get(0))) {
            return subdirs.get(0);
        }
        throw new ModelFormatException("the checkpoint has no " + ModelBundleIO.CONFIG
                + " (expected config.json, model.safetensors and tokenizer.json at the top or in one folder; or, for a "
                + "TorchScript model, " + TorchScriptModel.MODULE + ", tokenizer.json and " + TorchScriptModel.LABELS + ")");
    }

    private static boolean isRoot(Path dir) {
        return Files.isRegularFile(dir.resolve(ModelBundleIO.CONFIG)) || Files.isRegularFile(dir.resolve(TorchScriptModel.MODULE));
    }

    /** Whether the checkpoint in {@code dir} is a TorchScript model (whose module is code), without reading it. */
    public static boolean isTorchScript(Path dir) {
        return Files.isRegularFile(checkpointRoot(dir).resolve(TorchScriptModel.MODULE));
    }

    /** Reads, checks and validates the checkpoint in {@code dir}; throws {@link ModelFormatException} when it is refused. */
    public static Result prepare(Path dir, String id, Options options) {
        Path root = checkpointRoot(dir);
        if (Files.isRegularFile(root.resolve(TorchScriptModel.MODULE))) {
            return prepareTorchScript(root, id, options);
        }
        ModelBundleIO.Source source = ModelBundleIO.directory(root);
        JsonNode config;
        byte[] weightsFile;
        try {
            config = ModelBundleIO.parseJson(Files.readAllBytes(root.resolve(ModelBundleIO.CONFIG)), ModelBundleIO.CONFIG);
            Path weightsPath = root.resolve(ModelBundleIO.WEIGHTS);
            if (!Files.isRegularFile(weightsPath)) {
                throw new ModelFormatException("the checkpoint has no " + ModelBundleIO.WEIGHTS
                        + " (pytorch_model.bin is not read: save with safe_serialization=True)");
            }
            weightsFile = Files.readAllBytes(weightsPath);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ModelBundle read = ModelBundleIO.read(source, id); // checks model_type, sizes, labels, files
        JsonNode arch = config.path("architectures");
        if (arch.isArray() && !arch.isEmpty()) {
            List<String> names = new ArrayList<>();
            arch.forEach(a -> names.add(a.asString()));
            if (!names.contains("BertForSequenceClassification")) {
                throw new ModelFormatException("architectures " + names + " is not supported; supported: "
                        + "BertForSequenceClassification (model_type bert)");
            }
        }
        String problemType = checkProblemType(config, options.problemTypeOverride());

        Set<String> required = requiredTensors(read.config(), read.labels().size(), read.pooling());
        List<String> ignored = new ArrayList<>();
        for (String name : Safetensors.names(weightsFile)) {
            if (!required.contains(ModelBundleIO.canonical(name))) {
                ignored.add(name);
            }
        }
        Map<String, HostTensor> kept = new LinkedHashMap<>();
        long parameters = 0;
        for (Map.Entry<String, HostTensor> e : read.weights().asMap().entrySet()) {
            if (required.contains(e.getKey())) {
                kept.put(e.getKey(), e.getValue());
                parameters += e.getValue().data().length;
            }
        }
        ModelBundle bundle = read.withWeights(new WeightSet(kept))
                .withThresholds(thresholds(read, options))
                .withCard(card(read.card(), problemType, options, ignored));

        try (TaggerModel model = loadForValidation(bundle)) {
            return probe(model, bundle, ignored, parameters);
        }
    }

    /**
     * A traced TorchScript module (model.pt: (input_ids, attention_mask, token_type_ids) -> logits) with
     * tokenizer.json, its labels (labels.json, a JSON array, or config.json's id2label) and optional thresholds.json.
     */
    static Result prepareTorchScript(Path root, String id, Options options) {
        JsonNode config = null;
        List<String> labels = new ArrayList<>();
        byte[] tokenizerJson;
        JsonNode thresholdsJson = null;
        try {
            if (Files.isRegularFile(root.resolve(ModelBundleIO.CONFIG))) {
                config = ModelBundleIO.parseJson(Files.readAllBytes(root.resolve(ModelBundleIO.CONFIG)), ModelBundleIO.CONFIG);
            }
            Path labelsFile = root.resolve(TorchScriptModel.LABELS);
            if (Files.isRegularFile(labelsFile)) {
                JsonNode l = ModelBundleIO.parseJson(Files.readAllBytes(labelsFile), TorchScriptModel.LABELS);
                if (!l.isArray() || l.isEmpty()) {
                    throw new ModelFormatException(TorchScriptModel.LABELS + " must be a non-empty JSON array of label "
                            + "names, in the order of the logits");
                }
                l.forEach(n -> labels.add(n.asString()));
            } else if (config != null) {
                labels.addAll(BundleConfig.labels(config));
            } else {
                throw new ModelFormatException("a TorchScript model needs its labels: " + TorchScriptModel.LABELS
                        + " (a JSON array, in the order of the logits) or " + ModelBundleIO.CONFIG + " with id2label");
            }
            Path tokenizer = root.resolve(ModelBundleIO.TOKENIZER);
            if (!Files.isRegularFile(tokenizer)) {
                throw new ModelFormatException("a TorchScript model needs " + ModelBundleIO.TOKENIZER + " next to "
                        + TorchScriptModel.MODULE);
            }
            tokenizerJson = Files.readAllBytes(tokenizer);
            if (Files.isRegularFile(root.resolve(ModelBundleIO.THRESHOLDS))) {
                thresholdsJson = ModelBundleIO.parseJson(Files.readAllBytes(root.resolve(ModelBundleIO.THRESHOLDS)),
                        ModelBundleIO.THRESHOLDS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String problemType = MULTI_LABEL;
        if (config != null && config.has("problem_type")) {
            problemType = checkProblemType(config, options.problemTypeOverride());
        } else if (options.problemTypeOverride() != null && !options.problemTypeOverride().equals(MULTI_LABEL)) {
            throw new ModelFormatException("problem_type_override must be '" + MULTI_LABEL + "'; got '"
                    + options.problemTypeOverride() + "'");
        }
        JsonNode tagger = config == null ? null : config.path("tagger");
        int maxTokens = tagger != null && tagger.path("max_tokens").isIntegralNumber() ? tagger.path("max_tokens").asInt()
                : config != null && config.path("max_position_embeddings").isIntegralNumber()
                ? Math.min(512, config.path("max_position_embeddings").asInt()) : 512;
        ObjectNode card = card(ModelBundleIO.JSON.createObjectNode(), problemType, options, List.of());
        ((ObjectNode) card.get("registered")).put("format", ModelBundleIO.TORCHSCRIPT);
        ModelBundle read = new ModelBundle(id, "unwritten", null, labels,
                BundleConfig.thresholds(labels, thresholdsJson), null, false, maxTokens, null,
                new WeightSet(Map.of()), tokenizerJson, card, root);
        ModelBundle bundle = read.withThresholds(thresholds(read, options));
        TorchScriptModel model;
        try {
            model = TorchScriptModel.load(bundle, Device.cpu());
        } catch (ModelFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelFormatException("the TorchScript module cannot be loaded: " + e.getMessage(), e);
        }
        try (model) {
            return probe(model, bundle, List.of(), 0);
        } catch (ModelFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelFormatException("the TorchScript module fails on the probe text (it must take input_ids, "
                    + "attention_mask, token_type_ids, int64 [batch, seq], and return logits [batch, labels]): "
                    + e.getMessage(), e);
        }
    }

    /** Runs the probe text twice (the first is a warm-up) and checks one finite probability per label. */
    private static Result probe(Predictor model, ModelBundle bundle, List<String> ignored, long parameters) {
        TokenizedText probe = model.tokenizer().tokenize(PROBE_TEXT);
        model.probabilities(List.of(probe)); // first call: warm-up
        long t0 = System.nanoTime();
        float[][] p = model.probabilities(List.of(probe));
        double millis = (System.nanoTime() - t0) / 1e6;
        if (p.length != 1 || p[0].length != bundle.labels().size()) {
            throw new ModelFormatException("the classifier produces " + (p.length == 0 ? 0 : p[0].length)
                    + " outputs but the model names " + bundle.labels().size() + " labels");
        }
        Map<String, Float> probs = new LinkedHashMap<>();
        for (int i = 0; i < p[0].length; i++) {
            if (!Float.isFinite(p[0][i])) {
                throw new ModelFormatException("the model's probability of '" + bundle.labels().get(i)
                        + "' on the probe text is not a number");
            }
            probs.put(bundle.labels().get(i), p[0][i]);
        }
        return new Result(bundle, ignored, parameters, millis, probs);
    }

    private static TaggerModel loadForValidation(ModelBundle bundle) {
        try {
            return TaggerModel.load(bundle, Device.cpu());
        } catch (ModelFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelFormatException("the model cannot be loaded: " + e.getMessage(), e);
        }
    }

    /** Only multi-label (sigmoid) heads are served; anything else needs an explicit override, never a silent softmax. */
    static String checkProblemType(JsonNode config, String override) {
        String declared = config.path("problem_type").isString() ? config.path("problem_type").asString() : null;
        if (override != null && !override.equals(MULTI_LABEL)) {
            throw new ModelFormatException("problem_type_override must be '" + MULTI_LABEL + "'; got '" + override + "'");
        }
        if (MULTI_LABEL.equals(declared)) {
            return declared;
        }
        if ("regression".equals(declared)) {
            throw new ModelFormatException("problem_type 'regression' is not supported: Tagger serves multi-label "
                    + "classification heads (one sigmoid per label)");
        }
        if (override == null) {
            throw new ModelFormatException("config.json has problem_type "
                    + (declared == null ? "unset (Hugging Face then trains single-label, softmax)" : "'" + declared + "'")
                    + "; Tagger serves only multi-label heads, scored with one sigmoid per label, and never applies "
                    + "softmax. If this head was trained with a sigmoid loss (BCEWithLogits), register it with "
                    + "\"problem_type_override\": \"" + MULTI_LABEL + "\"");
        }
        return declared == null ? "unset" : declared;
    }

    /** The canonical (no "bert.") names of every tensor the model uses. */
    public static Set<String> requiredTensors(BertConfig config, int labels, Pooling pooling) {
        Set<String> out = new LinkedHashSet<>();
        for (String e : List.of("word_embeddings.weight", "position_embeddings.weight", "token_type_embeddings.weight",
                "LayerNorm.weight", "LayerNorm.bias")) {
            out.add("embeddings." + e);
        }
        for (int i = 0; i < config.numLayers(); i++) {
            String p = "encoder.layer." + i + ".";
            for (String n : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense", "output.dense",
                    "output.LayerNorm")) {
                out.add(p + n + ".weight");
                out.add(p + n + ".bias");
            }
        }
        if (pooling == Pooling.POOLER) {
            out.add(ClassificationHead.POOLER_WEIGHT);
            out.add(ClassificationHead.POOLER_BIAS);
        }
        out.add(ClassificationHead.WEIGHT);
        out.add(ClassificationHead.BIAS);
        return out;
    }

    private static float[] thresholds(ModelBundle b, Options o) {
        float[] t = b.thresholds().clone();
        if (o.threshold() != null) {
            checkThreshold("threshold", o.threshold());
            java.util.Arrays.fill(t, o.threshold());
        }
        for (Map.Entry<String, Float> e : o.thresholds().entrySet()) {
            int i = b.labels().indexOf(e.getKey());
            if (i < 0) {
                throw new ModelFormatException("thresholds names label '" + e.getKey() + "' that the model does not have; "
                        + "its labels: " + b.labels());
            }
            checkThreshold("thresholds." + e.getKey(), e.getValue());
            t[i] = e.getValue();
        }
        return t;
    }

    private static void checkThreshold(String field, Float v) {
        if (v == null || !(v >= 0 && v <= 1)) {
            throw new ModelFormatException(field + " must be a number in [0, 1]");
        }
    }

    private static ObjectNode card(ObjectNode original, String problemType, Options o, List<String> ignored) {
        ObjectNode card = original.deepCopy();
        card.put("created", Instant.now().toString());
        card.put("trained_part", "registered");
        ObjectNode reg = card.putObject("registered");
        reg.put("source", o.source());
        reg.put("problem_type", problemType);
        if (o.problemTypeOverride() != null) {
            reg.put("problem_type_override", o.problemTypeOverride());
        }
        var ig = reg.putArray("ignored_tensors");
        ignored.forEach(ig::add);
        return card;
    }
}
