package dev.tagger.datasets;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link DatasetRepository} must do, whatever it stores to: a test class per implementation extends
 * this and says how to make a fresh, empty repository.
 */
public abstract class DatasetRepositoryContract {

    private static final List<Example> EXAMPLES = List.of(Example.of("I love it", "joy", "love"), Example.of("meh"),
            Example.of("grr", "anger"));
    private static final DatasetStats STATS = new DatasetStats(3, List.of("anger", "joy", "love"),
            Map.of("anger", 1L, "joy", 1L, "love", 1L), 1, TextLengthStats.of(9, 3, 3));

    /** A new, empty repository whose creation times come from {@code clock}. */
    protected abstract DatasetRepository repository(MutableClock clock) throws IOException;

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-04T05:06:07.123Z"));

    private static DatasetInfo store(DatasetRepository repo, String name, List<Example> examples) throws IOException {
        try (DatasetRepository.Draft draft = repo.create()) {
            for (Example e : examples) {
                draft.add(e);
            }
            return draft.commit(name, DatasetFormat.JSONL, 123, STATS);
        }
    }

    @Test
    void aCommittedDraftIsFoundListedAndLoadedInOrder() throws IOException {
        DatasetRepository repo = repository(clock);
        DatasetInfo info;
        try (DatasetRepository.Draft draft = repo.create()) {
            for (Example e : EXAMPLES) {
                draft.add(e);
            }
            assertThat(repo.list()).as("nothing is visible before the commit").isEmpty();
            info = draft.commit("feelings", DatasetFormat.CSV, 123, STATS);
        }
        assertThat(info.id()).matches(DatasetRepository.ID);
        assertThat(info).isEqualTo(new DatasetInfo(info.id(), "feelings", clock.instant(), DatasetFormat.CSV, 123,
                STATS));
        assertThat(repo.find(info.id())).contains(info);
        assertThat(repo.list()).containsExactly(info);
        assertThat(repo.load(info.id())).isEqualTo(EXAMPLES);
    }

    @Test
    void aDraftClosedWithoutACommitLeavesNothing() throws IOException {
        DatasetRepository repo = repository(clock);
        Path scratchFile;
        try (DatasetRepository.Draft draft = repo.create()) {
            draft.add(EXAMPLES.get(0));
            scratchFile = Files.writeString(draft.scratch().resolve("upload"), "raw bytes");
        }
        assertThat(repo.list()).isEmpty();
        assertThat(scratchFile).doesNotExist();
    }

    @Test
    void theScratchSpaceIsGoneOnceTheDraftIsCommitted() throws IOException {
        DatasetRepository repo = repository(clock);
        Path scratchFile;
        DatasetInfo info;
        try (DatasetRepository.Draft draft = repo.create()) {
            scratchFile = Files.writeString(draft.scratch().resolve("upload"), "raw bytes");
            draft.add(EXAMPLES.get(1));
            info = draft.commit("x", DatasetFormat.JSONL, 9, STATS);
            assertThatThrownBy(() -> draft.commit("x", DatasetFormat.JSONL, 9, STATS))
                    .isInstanceOf(IllegalStateException.class);
        }
        assertThat(scratchFile).doesNotExist();
        assertThat(repo.load(info.id())).containsExactly(EXAMPLES.get(1));
    }

    @Test
    void draftsInProgressAtOnceStayApart() throws IOException {
        DatasetRepository repo = repository(clock);
        try (DatasetRepository.Draft a = repo.create(); DatasetRepository.Draft b = repo.create()) {
            a.add(EXAMPLES.get(0));
            b.add(EXAMPLES.get(1));
            a.add(EXAMPLES.get(2));
            DatasetInfo second = b.commit("b", DatasetFormat.JSONL, 1, STATS);
            DatasetInfo first = a.commit("a", DatasetFormat.JSONL, 1, STATS);
            assertThat(first.id()).isNotEqualTo(second.id());
            assertThat(repo.load(first.id())).containsExactly(EXAMPLES.get(0), EXAMPLES.get(2));
            assertThat(repo.load(second.id())).containsExactly(EXAMPLES.get(1));
        }
    }

    @Test
    void listIsOldestFirst() throws IOException {
        DatasetRepository repo = repository(clock);
        String first = store(repo, "first", EXAMPLES).id();
        clock.advance(Duration.ofMinutes(1));
        String second = store(repo, "second", EXAMPLES).id();
        clock.advance(Duration.ofMinutes(1));
        String third = store(repo, "third", EXAMPLES).id();
        assertThat(repo.list()).extracting(DatasetInfo::id).containsExactly(first, second, third);
        assertThat(repo.list()).extracting(DatasetInfo::name).containsExactly("first", "second", "third");
    }

    @Test
    void deleteRemovesTheDatasetForGood() throws IOException {
        DatasetRepository repo = repository(clock);
        String keep = store(repo, "keep", EXAMPLES).id();
        String id = store(repo, "gone", EXAMPLES).id();

        assertThat(repo.delete(id)).isTrue();
        assertThat(repo.find(id)).isEmpty();
        assertThatThrownBy(() -> repo.load(id)).isInstanceOf(DatasetNotFoundException.class).hasMessageContaining(id);
        assertThat(repo.list()).extracting(DatasetInfo::id).containsExactly(keep);
        assertThat(repo.delete(id)).isFalse();
        assertThat(repo.load(keep)).isEqualTo(EXAMPLES);
    }

    @Test
    void unknownIdsAreAbsent() throws IOException {
        DatasetRepository repo = repository(clock);
        assertThat(repo.find("nope")).isEmpty();
        assertThatThrownBy(() -> repo.load("nope")).isInstanceOf(DatasetNotFoundException.class);
        assertThat(repo.delete("nope")).isFalse();
    }

    @Test
    void idsThatCouldEscapeTheStoreAreRejected() throws IOException {
        DatasetRepository repo = repository(clock);
        for (String bad : new String[] {"../x", "..", ".", "a/b", "a\\b", "", "a.b", "a b", "é", "x".repeat(65),
                "/etc/passwd"}) {
            assertThatThrownBy(() -> repo.find(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> repo.load(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> repo.delete(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> repo.find(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(DatasetRepository.checkId("Ab_9-z")).isEqualTo("Ab_9-z");
    }
}
