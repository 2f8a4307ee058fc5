package dev.tagger.datasets;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A stored dataset, as kept in its {@code meta.json}.
 *
 * @param id        the store's id for it ({@code [A-Za-z0-9_-]})
 * @param name      the name given when it was uploaded
 * @param createdAt when it was stored
 * @param format    the format it was uploaded in (it is stored as JSONL whatever the format)
 * @param bytes     size of the upload in bytes
 * @param stats     statistics: rows, labels, label counts, unlabeled rows, text lengths
 */
public record DatasetInfo(String id, String name, Instant createdAt, DatasetFormat format, long bytes,
                          DatasetStats stats) {

    public DatasetInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(stats, "stats");
    }

    public long rows() {
        return stats.rows();
    }

    public List<String> labels() {
        return stats.labels();
    }
}
