package dev.tagger.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What a killed process left in the upload folder lasts only until the next start. */
class UploadFolderTest {

    @TempDir
    Path store;

    @Test
    void theFolderIsEmptiedAtStart() throws Exception {
        Path dir = store.resolve(UploadFolder.NAME);
        Files.createDirectories(dir.resolve("model-123/m"));
        Files.writeString(dir.resolve("model-123/m/model.safetensors"), "half");
        Files.writeString(dir.resolve("dataset-9"), "x");
        UploadFolder folder = new UploadFolder(dir);
        try (var left = Files.list(folder.dir())) {
            assertThat(left).isEmpty();
        }
        Path made = folder.newFolder("model-");
        assertThat(made.getParent()).isEqualTo(folder.dir());
        folder.remove(made);
        assertThat(made).doesNotExist();
    }
}
