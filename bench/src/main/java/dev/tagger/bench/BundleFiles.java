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

/**
 * The parts of the default model bundle the benchmark needs, read straight from the classpath:
 * label order, pooling, token limit, the tokenizer and the linear head.
 */
record BundleFiles(List<String> labels, String pooling, boolean normalize, int maxTokens, byte[] tokenizerJson,
                   HostTensor weight, HostTensor bias) {

    static final String DEFAULT = "/models/goemotions-minilm/";

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
        if (w == null || b == null || head.size() != 2) {
            throw new IOException("expected only classifier.weight and classifier.bias in " + folder
                    + "model.safetensors, found " + head.keySet() + "; the ONNX peer would not match the service");
        }
        return new BundleFiles(labels, tagger.path("pooling").asString("cls"), tagger.path("normalize").asBoolean(false),
                tagger.path("max_tokens").asInt(128), resource(folder + "tokenizer.json"), w, b);
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
