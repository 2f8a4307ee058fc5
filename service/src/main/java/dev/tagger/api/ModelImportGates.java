package dev.tagger.api;

import dev.tagger.config.TaggerProperties;
import dev.tagger.model.format.ModelImporter;

import org.springframework.http.HttpStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What POST /models may read and run: a server path only inside {@code tagger.models.import-root}, a TorchScript
 * model only with {@code tagger.models.allow-torchscript}. A refused path gets one answer whatever the reason
 * (missing, not a folder, outside the root, a symlink out), so the API tells nobody what exists on the server.
 */
final class ModelImportGates {

    static final String IMPORT_ROOT = "tagger.models.import-root";
    static final String ALLOW_TORCHSCRIPT = "tagger.models.allow-torchscript";

    private final Path importRoot;
    private final boolean allowTorchScript;

    ModelImportGates(TaggerProperties.Models models) {
        this.importRoot = models.importRoot();
        this.allowTorchScript = models.allowTorchscript();
    }

    /**
     * The real path of the checkpoint folder {@code path} names: relative to the import root, or absolute inside it.
     */
    Path checkpointFolder(String path) {
        if (importRoot == null) {
            throw new ApiException(HttpStatus.FORBIDDEN, "path", "registering a model from a server path is off: set "
                    + IMPORT_ROOT + " to the folder it may read from, or upload the checkpoint as an archive", null)
                    .with("setting", IMPORT_ROOT);
        }
        try {
            Path root = importRoot.toRealPath();
            Path real = root.resolve(path).toRealPath();
            if (!real.startsWith(root) || !Files.isDirectory(real) || linksOut(real, root)) {
                throw refused();
            }
            return real;
        } catch (InvalidPathException | IOException | UncheckedIOException e) {
            throw refused();
        }
    }

    /** Refuses a TorchScript checkpoint (in {@code dir}, unpacked or on the server) unless allowed. */
    void checkTorchScript(Path dir) {
        if (!allowTorchScript && ModelImporter.isTorchScript(dir)) {
            throw new ApiException(HttpStatus.FORBIDDEN, null, "TorchScript models are off: a TorchScript module is "
                    + "code the service would run, with the service's rights. Set " + ALLOW_TORCHSCRIPT + "=true to "
                    + "register them, or register a Hugging Face checkpoint (config.json, model.safetensors, "
                    + "tokenizer.json)", null).with("setting", ALLOW_TORCHSCRIPT);
        }
    }

    /** Whether a symlink in the folder (or the one folder below, where a checkpoint may sit) leads out of the root. */
    private static boolean linksOut(Path dir, Path root) throws IOException {
        try (Stream<Path> entries = Files.walk(dir, 2)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                if (Files.isSymbolicLink(p) && !p.toRealPath().startsWith(root)) {
                    return true;
                }
            }
        }
        return false;
    }

    private ApiException refused() {
        return ApiException.invalid("path", "\"path\" must name a checkpoint folder inside " + IMPORT_ROOT + " ("
                + importRoot + "), relative to it or absolute; symlinks may not lead out of it");
    }
}
