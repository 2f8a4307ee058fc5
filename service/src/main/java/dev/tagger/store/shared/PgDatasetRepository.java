package dev.tagger.store.shared;

import dev.tagger.datasets.DatasetFormat;
import dev.tagger.datasets.DatasetInfo;
import dev.tagger.datasets.DatasetNotFoundException;
import dev.tagger.datasets.DatasetRepository;
import dev.tagger.datasets.DatasetStats;
import dev.tagger.datasets.Example;
import dev.tagger.datasets.ExampleLines;
import dev.tagger.io.AtomicFiles;
import dev.tagger.io.Json;
import dev.tagger.io.StoreIds;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Datasets in the shared store: the metadata in PostgreSQL ({@code datasets}), the examples as one JSON-lines
 * object in S3 ({@code datasets/<id>/data.jsonl}), named in the row by key and SHA-256. A draft is written to local
 * disk; committing uploads the object first and inserts the row last, so a dataset is visible to every replica
 * whole or not at all (a crash in between leaves an object no row names, never a row without its object). Each
 * replica reads the examples through its own content-digest cache.
 */
public final class PgDatasetRepository implements DatasetRepository {

    private static final Logger log = LoggerFactory.getLogger(PgDatasetRepository.class);

    private final DataSource ds;
    private final S3Blobs blobs;
    private final Clock clock;

    public PgDatasetRepository(DataSource ds, S3Blobs blobs, Clock clock) {
        this.ds = ds;
        this.blobs = blobs;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Draft create() throws IOException {
        return new Upload(blobs.tempDir());
    }

    @Override
    public Optional<DatasetInfo> find(String id) {
        DatasetRepository.checkId(id);
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT info FROM datasets WHERE id = ?")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(info(r.getString(1))) : Optional.<DatasetInfo>empty();
                }
            }
        });
    }

    @Override
    public List<DatasetInfo> list() {
        return Database.inTransaction(ds, c -> {
            List<DatasetInfo> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT info FROM datasets ORDER BY created_at, id");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(info(r.getString(1)));
                }
            }
            return out;
        });
    }

    @Override
    public List<Example> load(String id) throws IOException {
        DatasetRepository.checkId(id);
        String[] where = Database.inTransaction(ds, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT object_key, digest FROM datasets WHERE id = ?")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? new String[] {r.getString(1), r.getString(2)} : null;
                }
            }
        });
        if (where == null) {
            throw new DatasetNotFoundException(id);
        }
        Path data = blobs.fetch(where[0], where[1]);
        try (BufferedReader reader = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
            return ExampleLines.read(reader, where[0]);
        }
    }

    /** The row goes first: from then on no replica finds the dataset; the object is removed after. */
    @Override
    public boolean delete(String id) {
        DatasetRepository.checkId(id);
        String key = Database.inTransaction(ds, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM datasets WHERE id = ? RETURNING object_key")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getString(1) : null;
                }
            }
        });
        if (key == null) {
            return false;
        }
        try {
            blobs.delete(key);
        } catch (RuntimeException e) {
            log.warn("dataset {} is deleted but its object {} could not be removed yet: {}", id, key, e.toString());
        }
        return true;
    }

    private static DatasetInfo info(String json) {
        return Json.MAPPER.readValue(json, DatasetInfo.class);
    }

    /** A folder on local disk until the commit uploads it. */
    private final class Upload implements Draft {
        private final Path staging;
        private final Path data;
        private final BufferedWriter out;
        private boolean committed;

        Upload(Path staging) throws IOException {
            this.staging = staging;
            this.data = staging.resolve("data.jsonl");
            this.out = Files.newBufferedWriter(data, StandardCharsets.UTF_8);
        }

        @Override
        public Path scratch() throws IOException {
            return Files.createDirectories(staging.resolve("scratch"));
        }

        @Override
        public void add(Example example) throws IOException {
            ExampleLines.write(out, example);
        }

        @Override
        public DatasetInfo commit(String name, DatasetFormat format, long bytes, DatasetStats stats)
                throws IOException {
            if (committed) {
                throw new IllegalStateException("the draft is already committed");
            }
            out.close();
            String digest = S3Blobs.digest(data);
            java.time.Instant now = clock.instant();
            for (int tries = 0; tries < 5; tries++) {
                String id = StoreIds.timeOrdered(now);
                String key = "datasets/" + id + "/data.jsonl";
                DatasetInfo info = new DatasetInfo(id, name, now, format, bytes, stats);
                blobs.put(key, data);
                boolean inserted = Database.inTransaction(ds, c -> {
                    try (PreparedStatement s = c.prepareStatement("INSERT INTO datasets (id, created_at, info, "
                            + "object_key, digest) VALUES (?, ?, ?::jsonb, ?, ?) ON CONFLICT (id) DO NOTHING")) {
                        s.setString(1, id);
                        s.setTimestamp(2, Timestamp.from(now));
                        s.setString(3, Json.MAPPER.writeValueAsString(info));
                        s.setString(4, key);
                        s.setString(5, digest);
                        return s.executeUpdate() == 1;
                    }
                });
                if (inserted) {
                    committed = true;
                    blobs.adopt(data, digest);
                    AtomicFiles.deleteRecursively(staging);
                    return info;
                }
            }
            throw new IOException("could not find a free dataset id");
        }

        @Override
        public void close() {
            if (committed) {
                return;
            }
            try {
                out.close();
            } catch (IOException e) {
                log.debug("cannot close {}: {}", data, e.toString());
            }
            try {
                AtomicFiles.deleteRecursively(staging);
            } catch (IOException e) {
                log.warn("cannot remove {}: {}", staging, e.toString());
            }
        }
    }
}
