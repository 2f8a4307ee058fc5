package dev.tagger.api;

import dev.tagger.catalog.Replicas;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** GET /replicas. */
@Schema(name = "ReplicaList", description = "Every replica of the service that reported within the last hour, this "
        + "one first, and the model version each serves", example = ReplicaList.EXAMPLE)
public record ReplicaList(List<Item> replicas) {

    static final String EXAMPLE = "{\"replicas\": [{\"id\": \"tagger-api-6d9f-1\", \"roles\": \"api\", \"model\": "
            + "{\"id\": \"model-mk1-abcdef\", \"version\": \"28823e5cfef4\"}, \"serving_since\": "
            + "\"2026-01-02T03:04:05Z\", \"started_at\": \"2026-01-02T03:00:00Z\", \"heartbeat_at\": "
            + "\"2026-01-02T03:10:00Z\", \"alive\": true, \"self\": true}]}";

    static ReplicaList of(List<Replicas.Replica> all) {
        return new ReplicaList(all.stream().map(r -> new Item(r.id(), r.roles(),
                r.modelVersion() == null ? null : new Model(r.modelId(), r.modelVersion()), r.servingSince(),
                r.startedAt(), r.heartbeatAt(), r.alive(), r.self())).toList());
    }

    @Schema(name = "Replica", description = "One replica")
    public record Item(
            @Schema(description = "The replica's name: host name (the pod) and process id, or tagger.shared.replica-id")
            String id,
            @Schema(description = "What it does: api, trainer or api,trainer") String roles,
            @Schema(description = "The model it serves; absent while it loads its first one") Model model,
            @Schema(description = "Since when it serves this version") @JsonProperty("serving_since")
            Instant servingSince,
            @JsonProperty("started_at") Instant startedAt,
            @Schema(description = "When it last reported") @JsonProperty("heartbeat_at") Instant heartbeatAt,
            @Schema(description = "It reported within the last three poll intervals") boolean alive,
            @Schema(description = "This is the replica that answered") boolean self) {
    }

    @Schema(name = "ReplicaModel", description = "A model id and its content version")
    public record Model(String id, String version) {
    }
}
