package dev.tagger.datasets;

import java.util.List;
import java.util.Objects;

/**
 * One training example: a text and the names of the labels that apply to it.
 * An empty label list is valid: the example is a negative for every label.
 *
 * @param text   the text, never {@code null}
 * @param labels label names, never {@code null}; copied into an unmodifiable list
 */
public record Example(String text, List<String> labels) {

    public Example {
        Objects.requireNonNull(text, "text");
        labels = List.copyOf(Objects.requireNonNull(labels, "labels"));
    }

    public static Example of(String text, String... labels) {
        return new Example(text, List.of(labels));
    }
}
