package dev.tagger.api;

import dev.tagger.config.TaggerProperties;
import dev.tagger.io.AtomicFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one folder where uploads are spooled and model archives unpacked while a request reads them:
 * {@code <tagger.store.dir>}/{@value #NAME}. It is emptied when the service starts, so whatever a killed process
 * left there lasts only until the next start. It sits in the store, not in /tmp, because uploads are as large
 * as the store's files and a container's /tmp is often small.
 */
@Component
public class UploadFolder {

    public static final String NAME = "upload-tmp";

    private static final Logger log = LoggerFactory.getLogger(UploadFolder.class);

    private final Path dir;

    @Autowired
    public UploadFolder(TaggerProperties props) throws IOException {
        this(props.store().dir().resolve(NAME));
    }

    UploadFolder(Path dir) throws IOException {
        this.dir = dir.toAbsolutePath().normalize();
        Files.createDirectories(this.dir);
        int removed = 0;
        try (DirectoryStream<Path> left = Files.newDirectoryStream(this.dir)) {
            for (Path p : left) {
                AtomicFiles.deleteRecursively(p);
                removed++;
            }
        }
        if (removed > 0) {
            log.info("removed {} upload(s) left in {} by an earlier run", removed, this.dir);
        }
    }

    public Path dir() {
        return dir;
    }

    /** A new empty folder here; delete it with {@link #remove}. */
    public Path newFolder(String prefix) throws IOException {
        return Files.createTempDirectory(dir, prefix);
    }

    /** Deletes what {@link #newFolder} made; a failure is logged (the next start removes it). */
    public void remove(Path path) {
        try {
            AtomicFiles.deleteRecursively(path);
        } catch (IOException | UncheckedIOException e) {
            log.warn("cannot remove the upload {}: {}", path, e.toString());
        }
    }
}
