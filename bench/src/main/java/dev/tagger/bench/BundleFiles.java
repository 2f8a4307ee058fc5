package dev.tagger.bench;

import dev.tagger.io.Json;
import dev.tagger.model.HostTensor;
import dev.tagger.model.format.Safetensors;

import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parts of the default model bundle the benchmark needs, read straight from the classpath:
 * label order, pooling, token limit, the tokenizer, the linear head, and the encoder tensors the bundle changed
 * against its base (a fine-tuned bundle stores only those; a head-only bundle none).
 *
 * @param encoder the changed encoder tensors under their base names ({@code encoder.layer.5.output.dense.weight}),
 *                in torch layout
 */
record BundleFiles(List<String> labels, String pooling, boolean normalize, int maxTokens, byte[] tokenizerJson,
                   HostTensor weight, HostTensor bias, Map<String, HostTensor> encoder) {

    static final String DEFAULT = "/models/goemotions-minilm/";
    /** The only base the ONNX exports are: the bundle's encoder tensors are a delta against it. */
    static final String MINILM_BASE = "builtin:all-MiniLM-L6-v2";

    static BundleFiles load(String folder) throws IOException {
        JsonNode config = Json.MAPPER.readTree(resource(folder + "config.json"));
        JsonNode id2label = config.get("id2label");
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < id2label.size(); i++) {
            labels.add(id2label.get(Integer.toString(i)).asString());
        }
        JsonNode tagger = config.path("tagger");
        Map<String, HostTensor> head = Safetensors.read(new ByteArrayInputStream(resource(folder + "model.safetensors")));
        HostTensor w = head.get("classifier.weight");
        HostTensor b = head.get("classifier.bias");
        if (w == null || b == null) {
            throw new IOException("no classifier.weight and classifier.bias in " + folder + "model.safetensors");
        }
        Map<String, HostTensor> encoder = new TreeMap<>();
        for (Map.Entry<String, HostTensor> e : head.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith("classifier.")) {
                encoder.put(name.startsWith("bert.") ? name.substring("bert.".length()) : name, e.getValue());
            }
        }
        String base = tagger.path("base").asString("");
        if (!encoder.isEmpty() && !MINILM_BASE.equals(base)) {
            throw new IOException(folder + " changes " + encoder.size() + " encoder tensors of base '" + base
                    + "'; the ONNX peer can only run deltas against " + MINILM_BASE);
        }
        return new BundleFiles(labels, tagger.path("pooling").asString("cls"), tagger.path("normalize").asBoolean(false),
                tagger.path("max_tokens").asInt(128), resource(folder + "tokenizer.json"), w, b, encoder);
    }

    /** The same bundle as if it had changed no encoder tensor: the base encoder with this head. */
    BundleFiles withoutEncoder() {
        return new BundleFiles(labels, pooling, normalize, maxTokens, tokenizerJson, weight, bias, Map.of());
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = BundleFiles.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("classpath resource " + name + " not found");
            }
            return in.readAllBytes();
        }
    }
}
