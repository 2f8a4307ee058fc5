package dev.tagger.catalog;

import dev.tagger.model.ModelBundle;
import dev.tagger.model.ModelNotFoundException;
import dev.tagger.model.format.ModelBundleIO;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The model versions and which one is served, with every rule for deploy and delete: lists and reads them through
 * {@link ModelVersions}, deploys one by recording the choice and then handing it to the {@link ModelServer}
 * (requests already admitted finish on the model they started with). A model is not deleted while it is served,
 * when it is the default one, or while one of the {@link ModelUsers} needs it. Deploys and deletes are serialised,
 * so a model cannot be deleted while it is being deployed.
 */
@Service
public class ModelCatalog {

    private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final ModelVersions versions;
    private final ModelServer server;
    private final List<ModelUsers> users;
    private final Object lock = new Object();

    public ModelCatalog(ModelVersions versions, ModelServer server, List<ModelUsers> users) {
        this.versions = versions;
        this.server = server;
        this.users = List.copyOf(users);
    }

    /** Ids are 1 to 64 of {@code [A-Za-z0-9_.-]}, not starting with a dot: they can name nothing outside a store. */
    public static boolean validId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** The default model first, then the stored ones, newest first. */
    public List<ModelBundleIO.Summary> list() {
        return versions.list();
    }

    public Optional<ModelBundleIO.Summary> find(String id) {
        return versions.find(id);
    }

    public boolean isDefault(String id) {
        return versions.isDefault(id);
    }

    /** Reads a whole bundle, e.g. to train from it. */
    public ModelBundle load(String id) {
        return versions.load(id);
    }

    /** Stores a newly trained or imported model (not served until deployed). */
    public ModelBundle add(ModelBundle bundle) {
        return versions.add(bundle);
    }

    /** Bytes a stored model takes on disk. */
    public long sizeOnDisk(String id) {
        return versions.sizeOnDisk(id);
    }

    /** The served model's id; while the first model is still loading, the one that is being loaded. */
    public String servingId() {
        String served = server.servedId();
        return served != null ? served : versions.servingId();
    }

    /**
     * Records the model as the served one, then loads and warms it and serves it; returns the bundle now served.
     * The record comes first so that what is served is never newer than what a restart would serve: when it cannot
     * be written (a full disk, a store that is away) nothing changes and its failure is thrown; when serving fails,
     * the record is put back as it was before the failure is thrown. Only when putting it back fails too does a
     * restart serve the model that failed here (or, if it cannot be loaded then either, the default model).
     */
    public ModelBundle deploy(String id) {
        synchronized (lock) {
            ModelBundle next = versions.load(id);
            Optional<ModelRepository.ServedVersion> before = versions.pointer();
            versions.markServing(next.id(), next.version());
            try {
                return server.serve(next);
            } catch (RuntimeException | Error failed) {
                try {
                    versions.restorePointer(before);
                } catch (RuntimeException e) {
                    failed.addSuppressed(e);
                    log.error("model {} could not be served and the served-version pointer could not be put back: "
                            + "a restart will try to serve {}", id, id, e);
                }
                throw failed;
            }
        }
    }

    /**
     * Serves the version that another replica deployed, as the shared pointer names it: loads and swaps it in like
     * {@link #deploy}, but leaves the pointer as it is (it already names this version). Nothing happens when it is
     * served already.
     *
     * @return the bundle now served
     */
    public ModelBundle follow(String id, String version) {
        synchronized (lock) {
            if (id.equals(server.servedId()) && (version == null || version.equals(server.servedVersion()))) {
                return null;
            }
            return server.serve(versions.load(id));
        }
    }

    /** The content version of the served model, or null while none is loaded. */
    public String servedVersion() {
        return server.servedVersion();
    }

    /**
     * Deletes a stored model.
     *
     * @throws ModelNotFoundException when there is none with this id
     * @throws ModelInUseException    for the default model, the served one, and one that a {@link ModelUsers} needs
     */
    public void delete(String id) {
        synchronized (lock) {
            if (versions.find(id).isEmpty()) {
                throw new ModelNotFoundException(id);
            }
            for (ModelUsers u : users) {
                Optional<String> why = u.use(id);
                if (why.isPresent()) {
                    throw new ModelInUseException(why.get());
                }
            }
            if (versions.isDefault(id)) {
                throw new ModelInUseException("model '" + id + "' is the default model and cannot be deleted");
            }
            if (id.equals(servingId())) {
                throw new ModelInUseException("model '" + id + "' is being served; deploy another model first");
            }
            versions.delete(id);
        }
    }
}
