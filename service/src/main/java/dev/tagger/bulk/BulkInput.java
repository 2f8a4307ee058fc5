package dev.tagger.bulk;

/**
 * One text of a bulk job.
 *
 * @param id   the caller's id for it, repeated in its result line; null when the input gave none
 * @param text the text, already checked as /classify checks its texts
 */
public record BulkInput(String id, String text) {
}
