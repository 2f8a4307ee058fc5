package dev.tagger.catalog;

import dev.tagger.model.ModelBundle;
import dev.tagger.model.ModelNotFoundException;
import dev.tagger.model.format.ModelBundleIO;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The model versions the service knows: the {@link DefaultModel} and those in the {@link ModelRepository}, and
 * which of them was deployed last. It reads and records; the rules for what may be deployed or deleted, and the
 * serving itself, are {@link ModelCatalog}'s.
 */
public final class ModelVersions {

    private static final Logger log = LoggerFactory.getLogger(ModelVersions.class);

    private final ModelRepository repository;
    private final DefaultModel defaultModel;
    private volatile ModelBundleIO.Summary defaultSummary;

    public ModelVersions(ModelRepository repository, DefaultModel defaultModel) {
        this.repository = repository;
        this.defaultModel = defaultModel;
    }

    public String defaultId() {
        return defaultModel.id();
    }

    public boolean isDefault(String id) {
        return defaultModel.id().equals(id);
    }

    /** The default model first, then the stored ones, newest first. */
    public List<ModelBundleIO.Summary> list() {
        List<ModelBundleIO.Summary> stored = new ArrayList<>();
        for (ModelBundleIO.Summary s : repository.list()) {
            if (ModelCatalog.validId(s.id()) && !isDefault(s.id())) {
                stored.add(s);
            }
        }
        stored.sort(Comparator.comparing((ModelBundleIO.Summary s) -> s.card().path("created").asString(""))
                .reversed().thenComparing(ModelBundleIO.Summary::id));
        List<ModelBundleIO.Summary> out = new ArrayList<>();
        out.add(defaultSummary());
        out.addAll(stored);
        return out;
    }

    public Optional<ModelBundleIO.Summary> find(String id) {
        if (!ModelCatalog.validId(id)) {
            return Optional.empty();
        }
        return isDefault(id) ? Optional.of(defaultSummary()) : repository.find(id);
    }

    private ModelBundleIO.Summary defaultSummary() {
        ModelBundleIO.Summary s = defaultSummary;
        if (s == null) {
            s = ModelBundleIO.summarize(defaultModel.source(), defaultModel.id());
            defaultSummary = s;
        }
        return s;
    }

    /** Reads the whole bundle (weights included). */
    public ModelBundle load(String id) {
        if (find(id).isEmpty()) {
            throw new ModelNotFoundException(id);
        }
        return isDefault(id) ? ModelBundleIO.read(defaultModel.source(), id) : repository.load(id);
    }

    /** Stores a new model under its id, atomically; returns it with its content version. */
    public ModelBundle add(ModelBundle bundle) {
        if (!ModelCatalog.validId(bundle.id()) || isDefault(bundle.id())) {
            throw new IllegalArgumentException("cannot store a model under the id '" + bundle.id() + "'");
        }
        return repository.add(bundle);
    }

    /** Bytes the stored model's files take (0 for the default model, which lives in the jar or elsewhere). */
    public long sizeOnDisk(String id) {
        return !ModelCatalog.validId(id) || isDefault(id) ? 0 : repository.sizeInBytes(id);
    }

    /** Deletes a stored model; false when there is none with this id, and for the default model. */
    public boolean delete(String id) {
        return ModelCatalog.validId(id) && !isDefault(id) && repository.delete(id);
    }

    /** The id of the model deployed last (the default when none was). */
    public String servingId() {
        Optional<ModelRepository.ServedVersion> served = repository.served();
        if (served.isEmpty()) {
            return defaultId();
        }
        if (!ModelCatalog.validId(served.get().id())) {
            log.warn("the served-version pointer names no valid model id; the default model is served");
            return defaultId();
        }
        return served.get().id();
    }

    /** Records which model is served, so that a restart serves it again. */
    public void markServing(String id, String version) {
        repository.markServed(new ModelRepository.ServedVersion(id, version, Instant.now()));
    }

    /** The served-version pointer as the last deploy wrote it; empty when none did (the default is served). */
    public Optional<ModelRepository.ServedVersion> pointer() {
        return repository.served();
    }

    /**
     * Puts the pointer back as {@link #pointer} read it before a deploy that did not happen. With no pointer then,
     * it names the default model: the repository has no way to remove the pointer, and that is what was served.
     */
    public void restorePointer(Optional<ModelRepository.ServedVersion> before) {
        repository.markServed(before.orElseGet(() -> new ModelRepository.ServedVersion(defaultId(),
                defaultSummary().version(), Instant.now())));
    }

    /** The model to serve at start: the one deployed last, or the default (with a warning) when it cannot be read. */
    public ModelBundle loadServing() {
        String id = servingId();
        if (!isDefault(id)) {
            try {
                return load(id);
            } catch (RuntimeException e) {
                log.warn("the deployed model '{}' cannot be loaded ({}); serving the default model '{}' instead",
                        id, e.getMessage(), defaultId());
            }
        }
        return load(defaultId());
    }
}
