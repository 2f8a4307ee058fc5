package dev.tagger.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns an upload into a stored dataset, or into the list of what is wrong with it: the upload is copied to the
 * draft's scratch space (at most {@code maxBytes}, so an oversized one is refused having read one byte past the
 * limit), parsed and validated with {@link DatasetParser} while its examples stream into a repository draft, and
 * the draft is committed only when there is no problem at all. Nothing is stored otherwise.
 */
public final class DatasetUploads {

    public static final int MAX_NAME_LENGTH = 200;

    private final DatasetRepository repository;

    public DatasetUploads(DatasetRepository repository) {
        this.repository = Objects.requireNonNull(repository, "repository");
    }

    /**
     * Stores an upload when it is valid.
     *
     * @param name         a name for people (trimmed; not blank, at most {@value #MAX_NAME_LENGTH} characters)
     * @param format       the upload's format
     * @param in           the upload (read to the end or to the byte limit; not closed)
     * @param labelsOrNull the label list, or {@code null} to derive it (required for TSV)
     * @param limits       the limits to enforce
     * @return the stored dataset, or the problems found (and nothing stored)
     * @throws IOException when reading the upload or writing the store fails (nothing is stored then either)
     */
    public DatasetSaveResult save(String name, DatasetFormat format, InputStream in, List<String> labelsOrNull,
                                  DatasetLimits limits) throws IOException {
        return save(name, format, in, labelsOrNull, limits, LongTexts.REJECT);
    }

    /** As {@link #save(String, DatasetFormat, InputStream, List, DatasetLimits)}, with over-long texts cut or not. */
    public DatasetSaveResult save(String name, DatasetFormat format, InputStream in, List<String> labelsOrNull,
                                  DatasetLimits limits, LongTexts longTexts) throws IOException {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(limits, "limits");
        String cleanName = name == null ? "" : name.strip();
        String nameProblem = nameProblem(cleanName);
        if (nameProblem != null) {
            return DatasetSaveResult.rejected(List.of(new DatasetProblem(0, "name", nameProblem)), 1);
        }
        try (DatasetRepository.Draft draft = repository.create()) {
            Path upload = draft.scratch().resolve("upload");
            long bytes = copyAtMost(in, upload, limits.maxBytes());
            if (bytes > limits.maxBytes()) {
                return DatasetSaveResult.rejected(List.of(new DatasetProblem(0, null, String.format(Locale.ROOT,
                        "input is larger than the limit of %,d bytes (maxBytes)", limits.maxBytes()))), 1);
            }
            DatasetReport report;
            try (InputStream uploaded = Files.newInputStream(upload)) {
                report = new DatasetParser(format, labelsOrNull, limits).longTexts(longTexts).parse(uploaded, example -> {
                    try {
                        draft.add(example);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            if (!report.ok()) {
                return DatasetSaveResult.rejected(report.problems(), report.problemCount());
            }
            return DatasetSaveResult.stored(draft.commit(cleanName, format, bytes, report.stats()));
        }
    }

    private static String nameProblem(String name) {
        if (name.isEmpty()) {
            return "name is blank";
        }
        if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
            return "name is longer than " + MAX_NAME_LENGTH + " characters";
        }
        return name.chars().anyMatch(Character::isISOControl) ? "name contains a control character" : null;
    }

    /** Copies up to {@code max + 1} bytes and returns how many were copied (more than {@code max}: too large). */
    private static long copyAtMost(InputStream in, Path file, long max) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
            int n;
            while (total <= max && (n = in.read(buffer, 0, (int) Math.min(buffer.length, max + 1 - total))) >= 0) {
                out.write(buffer, 0, n);
                total += n;
            }
        }
        return total;
    }
}
