package dev.tagger.store.shared;

import dev.tagger.catalog.ModelCatalog;
import dev.tagger.catalog.ModelRepository;
import dev.tagger.io.AtomicFiles;
import dev.tagger.io.Json;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.ModelNotFoundException;
import dev.tagger.model.format.BaseModels;
import dev.tagger.model.format.ModelBundleIO;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Model versions in the shared store: a row per bundle ({@code models}: id, content version, its files), the files
 * in S3 under {@code models/<id>/<version>/}, and the served-version pointer ({@code served_model}, one row). A new
 * bundle is written locally, uploaded, and its row inserted last, so every replica finds it whole or not at all.
 * Each replica reads bundles from its own cache, downloaded once per id and version (bundles never change).
 * Moving the pointer also sends {@code NOTIFY tagger_served}, which the replicas' {@link ServedVersionWatcher}s
 * hear at once (they poll too, for a notification missed while disconnected).
 */
public final class PgModelRepository implements ModelRepository {

    /** The PostgreSQL channel a deploy notifies. */
    public static final String CHANNEL = "tagger_served";

    private static final Logger log = LoggerFactory.getLogger(PgModelRepository.class);

    private final DataSource ds;
    private final S3Blobs blobs;
    private final Map<String, ModelBundleIO.Summary> summaries = new ConcurrentHashMap<>();

    public PgModelRepository(DataSource ds, S3Blobs blobs) {
        this.ds = ds;
        this.blobs = blobs;
    }

    /** One row of the models table. */
    private record Row(String id, String version, JsonNode files) {
    }

    @Override
    public List<ModelBundleIO.Summary> list() {
        List<Row> rows = Database.inTransaction(ds, c -> {
            List<Row> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, version, files FROM models");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Row(r.getString(1), r.getString(2), Json.MAPPER.readTree(r.getString(3))));
                }
            }
            return out;
        });
        List<ModelBundleIO.Summary> out = new ArrayList<>();
        for (Row row : rows) {
            try {
                out.add(summary(row));
            } catch (RuntimeException e) {
                log.warn("skipping unreadable model {}: {}", row.id(), e.getMessage());
            }
        }
        return out;
    }

    @Override
    public Optional<ModelBundleIO.Summary> find(String id) {
        return row(id).map(this::summary);
    }

    private Optional<Row> row(String id) {
        if (!ModelCatalog.validId(id)) {
            return Optional.empty();
        }
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT id, version, files FROM models WHERE id = ?")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(new Row(r.getString(1), r.getString(2),
                            Json.MAPPER.readTree(r.getString(3)))) : Optional.<Row>empty();
                }
            }
        });
    }

    private ModelBundleIO.Summary summary(Row row) {
        return summaries.computeIfAbsent(row.id() + "/" + row.version(),
                k -> ModelBundleIO.summarize(ModelBundleIO.directory(local(row)), row.id()));
    }

    @Override
    public ModelBundle load(String id) {
        Row row = row(id).orElseThrow(() -> new ModelNotFoundException(id));
        return ModelBundleIO.read(ModelBundleIO.directory(local(row)), id);
    }

    /** The bundle's folder in this replica's cache, downloaded first if it is not there yet. */
    private Path local(Row row) {
        Path dir = blobs.cachedBundle(row.id(), row.version());
        if (Files.isDirectory(dir)) {
            return dir;
        }
        try {
            Path part = blobs.tempDir();
            for (Iterator<String> names = row.files().propertyNames().iterator(); names.hasNext(); ) {
                String name = names.next();
                blobs.download(prefix(row.id(), row.version()) + name, part.resolve(name));
            }
            Files.createDirectories(dir.getParent());
            try {
                AtomicFiles.move(part, dir);
            } catch (FileAlreadyExistsException raced) {
                AtomicFiles.deleteRecursively(part);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fetch model " + row.id() + " version " + row.version(), e);
        }
    }

    private static String prefix(String id, String version) {
        return "models/" + id + "/" + version + "/";
    }

    @Override
    public ModelBundle add(ModelBundle bundle) {
        if (!ModelCatalog.validId(bundle.id())) {
            throw new IllegalArgumentException("cannot store a model under the id '" + bundle.id() + "'");
        }
        if (row(bundle.id()).isPresent()) {
            throw new IllegalArgumentException("a model with the id '" + bundle.id() + "' exists already");
        }
        String version = ModelBundleIO.versionOf(bundle, BaseModels::builtin);
        Path dir = blobs.cachedBundle(bundle.id(), version);
        try {
            if (Files.exists(dir)) {
                // a cached copy from an earlier add of this id that never got its row (a crash, a failed upload)
                AtomicFiles.deleteRecursively(dir);
            }
            ModelBundle written = ModelBundleIO.write(bundle, dir, BaseModels::builtin);
            ObjectNode files = Json.MAPPER.createObjectNode();
            long bytes = 0;
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path f : all.filter(Files::isRegularFile).sorted().toList()) {
                    String name = dir.relativize(f).toString().replace('\\', '/');
                    blobs.put(prefix(bundle.id(), written.version()) + name, f);
                    files.put(name, Files.size(f));
                    bytes += Files.size(f);
                }
            }
            long size = bytes;
            boolean inserted = Database.inTransaction(ds, c -> {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO models (id, version, files, bytes) "
                        + "VALUES (?, ?, ?::jsonb, ?) ON CONFLICT (id) DO NOTHING")) {
                    s.setString(1, bundle.id());
                    s.setString(2, written.version());
                    s.setString(3, Json.MAPPER.writeValueAsString(files));
                    s.setLong(4, size);
                    return s.executeUpdate() == 1;
                }
            });
            if (!inserted) {
                throw new IllegalArgumentException("a model with the id '" + bundle.id() + "' exists already");
            }
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store model " + bundle.id(), e);
        }
    }

    @Override
    public long sizeInBytes(String id) {
        if (!ModelCatalog.validId(id)) {
            return 0;
        }
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT bytes FROM models WHERE id = ?")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public boolean delete(String id) {
        if (!ModelCatalog.validId(id)) {
            return false;
        }
        String version = Database.inTransaction(ds, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM models WHERE id = ? RETURNING version")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getString(1) : null;
                }
            }
        });
        if (version == null) {
            return false;
        }
        summaries.remove(id + "/" + version);
        try {
            blobs.deletePrefix(prefix(id, version));
            AtomicFiles.deleteRecursively(blobs.cachedBundle(id, version));
        } catch (IOException | RuntimeException e) {
            log.warn("model {} is deleted but its files could not all be removed yet: {}", id, e.toString());
        }
        return true;
    }

    @Override
    public Optional<ServedVersion> served() {
        try {
            return Database.inTransaction(ds, c -> {
                try (PreparedStatement s = c.prepareStatement("SELECT id, version, deployed_at FROM served_model");
                     ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(new ServedVersion(r.getString(1), r.getString(2),
                            r.getTimestamp(3).toInstant())) : Optional.<ServedVersion>empty();
                }
            });
        } catch (StoreUnavailableException e) {
            log.warn("cannot read the served-version pointer ({}); the default model is served", e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void markServed(ServedVersion served) {
        Database.inTransaction(ds, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO served_model (singleton, id, version, "
                    + "deployed_at) VALUES (true, ?, ?, ?) ON CONFLICT (singleton) DO UPDATE SET id = excluded.id, "
                    + "version = excluded.version, deployed_at = excluded.deployed_at")) {
                s.setString(1, served.id());
                s.setString(2, served.version());
                s.setTimestamp(3, Timestamp.from(served.deployedAt()));
                s.executeUpdate();
            }
            // Delivered when the transaction commits, so a replica that hears it reads the new pointer.
            try (Statement s = c.createStatement()) {
                s.execute("NOTIFY " + CHANNEL);
            }
            return null;
        });
    }
}
