package dev.tagger.catalog;

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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The models the service knows: the default one (inside the jar, or {@code tagger.model.dir}) and those trained
 * here, kept on disk, plus which of them is served:
 * <pre>
 *   &lt;store&gt;/models/&lt;id&gt;/   one bundle per trained model, written atomically (a hidden temporary directory
 *                        renamed into place; temporaries left by a crash are removed at start)
 *   &lt;store&gt;/serving.json  the model deployed last, so that a restart serves it again
 * </pre>
 * Bundles never change once written, so their summaries are cached.
 */
public final class ModelStore {

    private static final Logger log = LoggerFactory.getLogger(ModelStore.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final String SERVING_FILE = "serving.json";

    private final Path models;
    private final Path servingFile;
    private final String defaultId;
    private final ModelBundleIO.Source defaultSource;
    private final Map<String, ModelBundleIO.Summary> summaries = new ConcurrentHashMap<>();

    /**
     * @param storeDir      the writable store root
     * @param defaultId     the default model's id
     * @param defaultSource where the default model's files are
     */
    public ModelStore(Path storeDir, String defaultId, ModelBundleIO.Source defaultSource) {
        Path root = storeDir.toAbsolutePath().normalize();
        this.models = root.resolve("models");
        this.servingFile = root.resolve(SERVING_FILE);
        this.defaultId = defaultId;
        this.defaultSource = defaultSource;
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

    /** Ids are 1 to 64 of {@code [A-Za-z0-9_.-]}, not starting with a dot: they can name nothing outside the store. */
    public static boolean validId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    public String defaultId() {
        return defaultId;
    }

    public boolean isDefault(String id) {
        return defaultId.equals(id);
    }

    /** The default model first, then the stored ones, newest first. Unreadable bundles are skipped with a warning. */
    public List<ModelBundleIO.Summary> list() {
        List<ModelBundleIO.Summary> stored = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(models, Files::isDirectory)) {
            for (Path dir : dirs) {
                String id = dir.getFileName().toString();
                if (validId(id) && !isDefault(id)) {
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
        stored.sort(Comparator.comparing((ModelBundleIO.Summary s) -> s.card().path("created").asString(""))
                .reversed().thenComparing(ModelBundleIO.Summary::id));
        List<ModelBundleIO.Summary> out = new ArrayList<>();
        out.add(summary(defaultId));
        out.addAll(stored);
        return out;
    }

    public Optional<ModelBundleIO.Summary> find(String id) {
        if (!validId(id) || !(isDefault(id) || Files.isDirectory(models.resolve(id)))) {
            return Optional.empty();
        }
        return Optional.of(summary(id));
    }

    private ModelBundleIO.Summary summary(String id) {
        return summaries.computeIfAbsent(id, k -> ModelBundleIO.summarize(source(k), k));
    }

    /** Reads the whole bundle (weights included). */
    public ModelBundle load(String id) {
        if (find(id).isEmpty()) {
            throw new ModelNotFoundException(id);
        }
        return ModelBundleIO.read(source(id), id);
    }

    private ModelBundleIO.Source source(String id) {
        return isDefault(id) ? defaultSource : ModelBundleIO.directory(models.resolve(id));
    }

    /** Writes a new model under its id, atomically; returns it with its content version. */
    public ModelBundle add(ModelBundle bundle) {
        if (!validId(bundle.id()) || isDefault(bundle.id())) {
            throw new IllegalArgumentException("cannot store a model under the id '" + bundle.id() + "'");
        }
        return ModelBundleIO.write(bundle, models.resolve(bundle.id()), BaseModels::builtin);
    }

    /** Bytes the stored model's files take on disk (0 for the default model, which lives in the jar or elsewhere). */
    public long sizeOnDisk(String id) {
        if (!validId(id) || isDefault(id)) {
            return 0;
        }
        try (var files = Files.walk(models.resolve(id))) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure model " + id, e);
        }
    }

    /** Deletes a stored model; false when there is none with this id. The caller checks that it is not served. */
    public boolean delete(String id) {
        if (!validId(id) || isDefault(id)) {
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

    /** The id of the model deployed last (the default when none was). */
    public String servingId() {
        try {
            JsonNode n = Json.FILES.readTree(Files.readAllBytes(servingFile));
            String id = n.path("id").asString("");
            if (validId(id)) {
                return id;
            }
            log.warn("{} names no valid model id; the default model is served", servingFile);
        } catch (NoSuchFileException e) {
            // nothing deployed yet
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read {} ({}); the default model is served", servingFile, e.getMessage());
        }
        return defaultId;
    }

    /** Records which model is served, so that a restart serves it again. */
    public void markServing(String id, String version) {
        ObjectNode n = Json.FILES.createObjectNode();
        n.put("id", id);
        n.put("version", version);
        n.put("deployed_at", Instant.now().toString());
        try {
            AtomicFiles.write(servingFile, Json.FILES.writeValueAsBytes(n));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the served model in " + servingFile, e);
        }
    }

    /** The model to serve at start: the one deployed last, or the default (with a warning) when it cannot be read. */
    public ModelBundle loadServing() {
        String id = servingId();
        if (!isDefault(id)) {
            try {
                return load(id);
            } catch (RuntimeException e) {
                log.warn("the deployed model '{}' cannot be loaded ({}); serving the default model '{}' instead",
                        id, e.getMessage(), defaultId);
            }
        }
        return load(defaultId);
    }
}
