package dev.tagger.catalog;

import dev.tagger.model.ModelBundle;
import dev.tagger.model.ModelNotFoundException;
import dev.tagger.model.format.ModelBundleIO;

import org.springframework.stereotype.Service;

import java.util.List;
import java.util.Optional;

/**
 * The model versions and which one is served: lists and reads them from the {@link ModelStore}, deploys one by
 * handing it to the {@link ModelServer} (requests already admitted finish on the model they started with)
 * and remembers the choice across restarts. Deploys and deletes are serialised, so a model cannot be deleted while
 * it is being deployed.
 */
@Service
public class ModelCatalog {

    private final ModelStore store;
    private final ModelServer server;
    private final Object lock = new Object();

    public ModelCatalog(ModelStore store, ModelServer server) {
        this.store = store;
        this.server = server;
    }

    public List<ModelBundleIO.Summary> list() {
        return store.list();
    }

    public Optional<ModelBundleIO.Summary> find(String id) {
        return store.find(id);
    }

    public boolean isDefault(String id) {
        return store.isDefault(id);
    }

    /** Reads a whole bundle, e.g. to train from it. */
    public ModelBundle load(String id) {
        return store.load(id);
    }

    /** Stores a newly trained model (not served until deployed). */
    public ModelBundle add(ModelBundle bundle) {
        return store.add(bundle);
    }

    /** Bytes a stored model takes on disk. */
    public long sizeOnDisk(String id) {
        return store.sizeOnDisk(id);
    }

    /** The served model's id; while the first model is still loading, the one that is being loaded. */
    public String servingId() {
        String served = server.servedId();
        return served != null ? served : store.servingId();
    }

    /** Loads and warms the model, then serves it; returns the bundle now served. */
    public ModelBundle deploy(String id) {
        synchronized (lock) {
            ModelBundle served = server.serve(store.load(id));
            store.markServing(served.id(), served.version());
            return served;
        }
    }

    /** Deletes a trained model; the served one and the default one are refused. */
    public void delete(String id) {
        synchronized (lock) {
            if (store.find(id).isEmpty()) {
                throw new ModelNotFoundException(id);
            }
            if (store.isDefault(id)) {
                throw new ModelInUseException("model '" + id + "' is the default model and cannot be deleted");
            }
            if (id.equals(servingId())) {
                throw new ModelInUseException("model '" + id + "' is being served; deploy another model first");
            }
            store.delete(id);
        }
    }
}
