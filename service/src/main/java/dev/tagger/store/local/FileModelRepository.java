package dev.tagger.store.local;

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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Model bundles and the served-version pointer in files:
 * <pre>
 *   &lt;store&gt;/models/&lt;id&gt;/   one bundle per model, written atomically (a hidden temporary directory renamed
 *                        into place; temporaries left by a crash are removed at start)
 *   &lt;store&gt;/serving.json  the model deployed last, so that a restart serves it again
 * </pre>
 * Bundles never change once written, so their summaries are cached.
 */
public final class FileModelRepository implements ModelRepository {

    private static final Logger log = LoggerFactory.getLogger(FileModelRepository.class);
    private static final String SERVING_FILE = "serving.json";

    private final Path models;
    private final Path servingFile;
    private final Map<String, ModelBundleIO.Summary> summaries = new ConcurrentHashMap<>();

    /** @param storeDir the writable store root */
    public FileModelRepository(Path storeDir) {
        Path root = storeDir.toAbsolutePath().normalize();
        this.models = root.resolve("models");
        this.servingFile = root.resolve(SERVING_FILE);
        try {
            Files.createDirectories(models);
            int removed = AtomicFiles.removeTemporaries(models) + AtomicFiles.removeTemporaries(root);
            if (removed > 0) {
                log.info("removed {} unfinished temporary file(s) or bundle(s) under {}", removed, root);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the model store under " + root, e);
        }
    }

    @Override
    public List<ModelBundleIO.Summary> list() {
        List<ModelBundleIO.Summary> stored = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(models, Files::isDirectory)) {
            for (Path dir : dirs) {
                String id = dir.getFileName().toString();
                if (ModelCatalog.validId(id)) {
                    try {
                        stored.add(summary(id));
                    } catch (RuntimeException e) {
                        log.warn("skipping unreadable model {}: {}", dir, e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + models, e);
        }
        return stored;
    }

    @Override
    public Optional<ModelBundleIO.Summary> find(String id) {
        if (!ModelCatalog.validId(id) || !Files.isDirectory(models.resolve(id))) {
            return Optional.empty();
        }
        return Optional.of(summary(id));
    }

    private ModelBundleIO.Summary summary(String id) {
        return summaries.computeIfAbsent(id, k -> ModelBundleIO.summarize(source(k), k));
    }

    @Override
    public ModelBundle load(String id) {
        if (find(id).isEmpty()) {
            throw new ModelNotFoundException(id);
        }
        return ModelBundleIO.read(source(id), id);
    }

    private ModelBundleIO.Source source(String id) {
        return ModelBundleIO.directory(models.resolve(id));
    }

    @Override
    public ModelBundle add(ModelBundle bundle) {
        if (!ModelCatalog.validId(bundle.id())) {
            throw new IllegalArgumentException("cannot store a model under the id '" + bundle.id() + "'");
        }
        return ModelBundleIO.write(bundle, models.resolve(bundle.id()), BaseModels::builtin);
    }

    @Override
    public long sizeInBytes(String id) {
        if (!ModelCatalog.validId(id)) {
            return 0;
        }
        try (var files = Files.walk(models.resolve(id))) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure model " + id, e);
        }
    }

    @Override
    public boolean delete(String id) {
        if (!ModelCatalog.validId(id)) {
            return false;
        }
        Path doomed = models.resolve("." + id + AtomicFiles.TEMP_INFIX + "deleted-" + UUID.randomUUID());
        try {
            AtomicFiles.move(models.resolve(id), doomed);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete model " + id, e);
        }
        summaries.remove(id);
        try {
            AtomicFiles.deleteRecursively(doomed);
        } catch (IOException e) {
            log.warn("model {} is deleted but {} could not be removed yet: {}", id, doomed, e.toString());
        }
        return true;
    }

    @Override
    public Optional<ServedVersion> served() {
        try {
            JsonNode n = Json.FILES.readTree(Files.readAllBytes(servingFile));
            Instant at = n.hasNonNull("deployed_at") ? Instant.parse(n.get("deployed_at").asString()) : null;
            return Optional.of(new ServedVersion(n.path("id").asString(""), n.path("version").asString(null), at));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read {} ({}); the default model is served", servingFile, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void markServed(ServedVersion served) {
        ObjectNode n = Json.FILES.createObjectNode();
        n.put("id", served.id());
        n.put("version", served.version());
        n.put("deployed_at", served.deployedAt().toString());
        try {
            AtomicFiles.write(servingFile, Json.FILES.writeValueAsBytes(n));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the served model in " + servingFile, e);
        }
    }
}
