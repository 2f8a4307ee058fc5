/**
 * The dataset layer for training.
 * <ul>
 *   <li>{@link dev.tagger.datasets.Example}: a text and its label names (none = a negative for every label)</li>
 *   <li>{@link dev.tagger.datasets.DatasetFormat}: JSONL, CSV (RFC 4180 with a header) and GoEmotions TSV,
 *       detected from a file name or content type or named explicitly</li>
 *   <li>{@link dev.tagger.datasets.DatasetParser}: streaming, strictly UTF-8, validates every row and collects
 *       all problems ({@link dev.tagger.datasets.DatasetProblem}) up to a cap, enforcing
 *       {@link dev.tagger.datasets.DatasetLimits}; returns a {@link dev.tagger.datasets.DatasetReport}
 *       with {@link dev.tagger.datasets.DatasetStats}</li>
 *   <li>{@link dev.tagger.datasets.DatasetSplitter}: deterministic seeded train/validation split</li>
 *   <li>{@link dev.tagger.datasets.DatasetStore}: validated uploads kept on disk as normalised JSONL plus
 *       {@code meta.json}</li>
 * </ul>
 * Pure Java; no Spring.
 */
package dev.tagger.datasets;
