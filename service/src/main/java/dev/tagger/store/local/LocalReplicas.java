package dev.tagger.store.local;

import dev.tagger.catalog.ModelCatalog;
import dev.tagger.catalog.Replicas;
import dev.tagger.config.Roles;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** One process, one replica: this one, and the version it serves since it swapped that version in. */
public final class LocalReplicas implements Replicas {

    private final ModelCatalog catalog;
    private final Roles roles;
    private final String id;
    private final Instant startedAt = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
    private String seenId;
    private String seenVersion;
    private Instant since;

    public LocalReplicas(ModelCatalog catalog, Roles roles, String id) {
        this.catalog = catalog;
        this.roles = roles;
        this.id = id;
    }

    @Override
    public synchronized List<Replica> list() {
        String modelId = catalog.servedVersion() == null ? null : catalog.servingId();
        String version = catalog.servedVersion();
        if (!Objects.equals(modelId, seenId) || !Objects.equals(version, seenVersion)) {
            // First seen now; at start that is when the first model finished loading, near enough.
            seenId = modelId;
            seenVersion = version;
            since = version == null ? null : Instant.now();
        }
        Instant now = Instant.now();
        return List.of(new Replica(id, roles.toString(), modelId, version, since, startedAt, now, true, true));
    }
}
