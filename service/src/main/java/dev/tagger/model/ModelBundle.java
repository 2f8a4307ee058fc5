package dev.tagger.model;


import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tagging model as its files describe it, held in Java memory: the unit that is trained, stored,
 * served and exported. {@code ModelBundleIO} reads and writes it; {@code TaggerModel} runs it.
 *
 * @param id           stable name of the model (directory name by default)
 * @param version      content digest of weights, thresholds and labels (changes whenever they do)
 * @param config       encoder sizes
 * @param labels       label names, in the order of the classifier's rows
 * @param thresholds   one decision threshold per label, same order
 * @param pooling      how token states become the text vector
 * @param normalize    whether the pooled vector is L2-normalised before the classifier
 * @param maxTokens    texts are cut to this many tokens (with [CLS]/[SEP])
 * @param base         the pretrained model this one starts from ({@code null} when self-contained)
 * @param weights      every tensor the model needs (the base's merged with the bundle's own)
 * @param tokenizerJson the fast-tokenizer file
 * @param card         provenance and metrics (card.json)
 * @param module       for a TorchScript model, the directory holding its {@code model.pt} ({@code config} is then
 *                     null, {@code weights} empty and {@code pooling} null); null for the Tagger BERT
 * @param longText     how texts longer than {@code maxTokens} are read unless a request says otherwise
 */
public record ModelBundle(String id, String version, BertConfig config, List<String> labels, float[] thresholds,
                          Pooling pooling, boolean normalize, int maxTokens, String base, WeightSet weights,
                          byte[] tokenizerJson, ObjectNode card, Path module, LongText longText) {

    public ModelBundle {
        longText = longText == null ? LongText.DEFAULT : longText;
        labels = List.copyOf(labels);
        if (labels.isEmpty()) {
            throw new ModelFormatException("a model needs at least one label");
        }
        if (thresholds.length != labels.size()) {
            throw new ModelFormatException(labels.size() + " labels but " + thresholds.length + " thresholds");
        }
        if (labels.stream().distinct().count() != labels.size()) {
            throw new ModelFormatException("label names must be unique: " + labels);
        }
        thresholds = thresholds.clone();
    }

    /** A Tagger BERT bundle. */
    public ModelBundle(String id, String version, BertConfig config, List<String> labels, float[] thresholds,
                       Pooling pooling, boolean normalize, int maxTokens, String base, WeightSet weights,
                       byte[] tokenizerJson, ObjectNode card) {
        this(id, version, config, labels, thresholds, pooling, normalize, maxTokens, base, weights, tokenizerJson,
                card, null, null);
    }

    /** A bundle that reads long texts the default way (truncation). */
    public ModelBundle(String id, String version, BertConfig config, List<String> labels, float[] thresholds,
                       Pooling pooling, boolean normalize, int maxTokens, String base, WeightSet weights,
                       byte[] tokenizerJson, ObjectNode card, Path module) {
        this(id, version, config, labels, thresholds, pooling, normalize, maxTokens, base, weights, tokenizerJson,
                card, module, null);
    }

    /** Whether this is a TorchScript module (served, never trained or exported). */
    public boolean isTorchScript() {
        return module != null;
    }

    public Map<String, Float> thresholdMap() {
        Map<String, Float> out = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            out.put(labels.get(i), thresholds[i]);
        }
        return out;
    }

    public ModelBundle withThresholds(float[] newThresholds) {
        return new ModelBundle(id, version, config, labels, newThresholds, pooling, normalize, maxTokens, base,
                weights, tokenizerJson, card, module, longText);
    }

    public ModelBundle withWeights(WeightSet newWeights) {
        return new ModelBundle(id, version, config, labels, thresholds, pooling, normalize, maxTokens, base,
                newWeights, tokenizerJson, card, module, longText);
    }

    public ModelBundle withCard(ObjectNode newCard) {
        return new ModelBundle(id, version, config, labels, thresholds, pooling, normalize, maxTokens, base,
                weights, tokenizerJson, newCard, module, longText);
    }

    public ModelBundle withMaxTokens(int newMaxTokens) {
        return new ModelBundle(id, version, config, labels, thresholds, pooling, normalize, newMaxTokens, base,
                weights, tokenizerJson, card, module, longText);
    }

    public ModelBundle withLongText(LongText newLongText) {
        return new ModelBundle(id, version, config, labels, thresholds, pooling, normalize, maxTokens, base,
                weights, tokenizerJson, card, module, newLongText);
    }

    /** The same TorchScript model with its {@code model.pt} in {@code dir}. */
    public ModelBundle withModule(Path dir) {
        return new ModelBundle(id, version, config, labels, thresholds, pooling, normalize, maxTokens, base,
                weights, tokenizerJson, card, dir, longText);
    }

    public ModelBundle withIdentity(String newId, String newVersion) {
        return new ModelBundle(newId, newVersion, config, labels, thresholds, pooling, normalize, maxTokens, base,
                weights, tokenizerJson, card, module, longText);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelBundle b && id.equals(b.id) && version.equals(b.version)
                && Arrays.equals(thresholds, b.thresholds);
    }

    @Override
    public int hashCode() {
        return id.hashCode() * 31 + version.hashCode();
    }

    @Override
    public String toString() {
        return "ModelBundle[" + id + "@" + version + ", " + labels.size() + " labels]";
    }
}
