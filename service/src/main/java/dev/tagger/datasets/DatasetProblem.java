package dev.tagger.datasets;

/**
 * One thing wrong with an uploaded dataset.
 *
 * @param line    1-based line of the input the problem was found on (for a CSV record that spans several lines,
 *                the line it starts on); {@code 0} when it concerns the whole input or an argument
 *                (the label list, the name)
 * @param field   the column or key concerned ({@code "text"}, {@code "labels"}, ...), or {@code null} when it
 *                concerns the whole row or the whole input
 * @param message what is wrong, in words meant for the person who uploaded the file
 */
public record DatasetProblem(long line, String field, String message) {

    @Override
    public String toString() {
        return (line > 0 ? "line " + line : "input") + (field != null ? " [" + field + "]" : "") + ": " + message;
    }
}
