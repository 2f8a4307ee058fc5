package dev.tagger;

import dev.tagger.datasets.DatasetFiles;
import dev.tagger.datasets.Example;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Where tests find GoEmotions (../shared/datasets/goemotions, never copied into the repo) and small fixtures. */
public final class TestData {

    /** Sentences of our own, so the core tests run on a fresh clone without the shared data. */
    public static final List<String> SENTENCES = List.of(
            "I love this, thank you!",
            "Thank you so much, this made my day!",
            "This is the worst service I have ever had.",
            "Why would anyone do that?",
            "I'm not sure what you mean.",
            "Wow, congratulations on the new job!!",
            "ok",
            "I am so sorry for your loss, he was a great man.",
            "That's hilarious 😂",
            "Honestly I expected more from this team, very disappointing season.");

    private TestData() {
    }

    public static Path goEmotions() {
        String configured = System.getProperty("tagger.datasets");
        Path dir = configured != null ? Path.of(configured) : repository().resolve("../shared/datasets/goemotions");
        return dir.toAbsolutePath().normalize();
    }

    /**
     * The repository root (helm/ and the other files beside the modules): -Dtagger.repository, which the build
     * sets, else the parent of the service module, where tests run.
     */
    public static Path repository() {
        String configured = System.getProperty("tagger.repository");
        return (configured != null ? Path.of(configured) : Path.of("..")).toAbsolutePath().normalize();
    }

    /** Skips the calling test, with the reason, when the GoEmotions files are not present. */
    public static Path requireGoEmotions() {
        Path dir = goEmotions();
        assumeTrue(Files.isRegularFile(dir.resolve("dev.tsv")),
                "GoEmotions not found at " + dir + " (set -Dtagger.datasets=...); skipping");
        return dir;
    }

    /** The first {@code n} texts of GoEmotions dev.tsv. */
    public static List<String> devTexts(int n) {
        Path dir = requireGoEmotions();
        try {
            return DatasetFiles.readGoEmotions(dir.resolve("dev.tsv"), dir.resolve("labels.txt")).examples().stream()
                    .limit(n).map(Example::text).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
