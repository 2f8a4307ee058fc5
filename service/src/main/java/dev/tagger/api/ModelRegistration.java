package dev.tagger.api;

import dev.tagger.model.ModelBundle;
import dev.tagger.model.format.ModelBundleIO;
import dev.tagger.model.format.ModelImporter;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/** The 201 answer to POST /models: what was stored and how the probe text came out. */
@Schema(name = "ModelRegistration", description = "A registered model, validated and stored (not yet served)",
        example = ModelRegistration.EXAMPLE)
public record ModelRegistration(
        String id,
        @Schema(description = "A digest of the weights, thresholds and labels") String version,
        List<String> labels,
        @Schema(description = "Each label's threshold, in the model's label order") Map<String, Float> thresholds,
        @Schema(description = "tagger, or torchscript") String format,
        @Schema(description = "mean, cls or pooler; null for a TorchScript model") String pooling,
        @JsonProperty("max_tokens") int maxTokens,
        @JsonProperty("problem_type") @Schema(description = "Always multi_label_classification") String problemType,
        @Schema(description = "Parameters of the checkpoint; null for a TorchScript model") Long parameters,
        @JsonProperty("size_on_disk_bytes") long sizeOnDiskBytes,
        @JsonProperty("ignored_tensors") @Schema(description = "Tensors of the checkpoint Tagger does not use")
        List<String> ignoredTensors,
        Probe probe,
        @Schema(description = "Where to POST to serve it") String deploy) {

    static final String EXAMPLE = "{\"id\": \"my-bert\", \"version\": \"3a7962488ef6\", "
            + "\"labels\": [\"joy\", \"anger\", \"surprise\"], \"thresholds\": {\"joy\": 0.4, \"anger\": 0.6, "
            + "\"surprise\": 0.4}, \"format\": \"tagger\", \"pooling\": \"pooler\", \"max_tokens\": 512, "
            + "\"problem_type\": \"multi_label_classification\", \"parameters\": 109484547, "
            + "\"size_on_disk_bytes\": 438012345, \"ignored_tensors\": [], "
            + "\"probe\": {\"latency_ms\": 41.2, \"probabilities\": {\"joy\": 0.12, \"anger\": 0.03, "
            + "\"surprise\": 0.0}}, \"deploy\": \"/models/my-bert/deploy\"}";

    /** One forward pass on a fixed probe text, on the CPU. */
    @Schema(name = "ModelProbe", description = "One forward pass on a fixed probe text, on the CPU")
    public record Probe(@JsonProperty("latency_ms") double latencyMs, Map<String, Float> probabilities) {
    }

    static ModelRegistration of(ModelBundle stored, ModelImporter.Result r, long sizeOnDisk) {
        boolean ts = stored.isTorchScript();
        return new ModelRegistration(stored.id(), stored.version(), stored.labels(), stored.thresholdMap(),
                ts ? ModelBundleIO.TORCHSCRIPT : "tagger", ts ? null : stored.pooling().key(), stored.maxTokens(),
                ModelImporter.MULTI_LABEL, ts ? null : r.parameters(), sizeOnDisk, r.ignoredTensors(),
                new Probe(Math.round(r.probeMillis() * 1000) / 1000.0, r.probe()),
                "/models/" + stored.id() + "/deploy");
    }
}
