/**
 * The dataset layer for training: formats, validation, storage behind an interface, statistics, splits.
 * <ul>
 *   <li>{@link dev.tagger.datasets.Example}: a text and its label names (none = a negative for every label)</li>
 *   <li>{@link dev.tagger.datasets.DatasetFormat}: JSONL, CSV (RFC 4180 with a header) and GoEmotions TSV,
 *       detected from a file name or content type or named explicitly; each names its reader
 *       ({@code JsonlReader}, {@code CsvReader}, {@code TsvReader}), which only turns lines into rows</li>
 *   <li>{@link dev.tagger.datasets.DatasetParser}: streaming, strictly UTF-8; runs the format's reader into a
 *       {@code RowSink}, which validates every row and collects all problems
 *       ({@link dev.tagger.datasets.DatasetProblem}) up to a cap, enforcing
 *       {@link dev.tagger.datasets.DatasetLimits}; returns a {@link dev.tagger.datasets.DatasetReport}
 *       with {@link dev.tagger.datasets.DatasetStats}</li>
 *   <li>{@link dev.tagger.datasets.DatasetFiles}: the same for local files (tools, tests, benchmarks)</li>
 *   <li>{@link dev.tagger.datasets.DatasetRepository}: where validated datasets are kept (examples as
 *       {@link dev.tagger.datasets.ExampleLines} plus a {@link dev.tagger.datasets.DatasetInfo}); the file
 *       implementation is {@code dev.tagger.store.local.FileDatasetRepository}</li>
 *   <li>{@link dev.tagger.datasets.DatasetUploads}: an upload validated whole, then stored through a repository
 *       draft</li>
 *   <li>{@link dev.tagger.datasets.DatasetSplitter}: deterministic seeded train/validation split</li>
 * </ul>
 * Pure Java; no Spring, and nothing from training/ or api/.
 */
package dev.tagger.datasets;
