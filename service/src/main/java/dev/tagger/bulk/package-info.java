/**
 * Bulk classification jobs: a whole file (or a stored dataset) classified in the background, at lower priority
 * than interactive /classify, with its results appended to a durable JSONL file that can be read while the job runs.
 * {@link dev.tagger.bulk.BulkJobs} runs them; {@link dev.tagger.bulk.BulkJobRepository} keeps them (its file
 * implementation is in {@code store/local}); {@link dev.tagger.bulk.BulkInputs} reads uploaded files.
 */
package dev.tagger.bulk;
