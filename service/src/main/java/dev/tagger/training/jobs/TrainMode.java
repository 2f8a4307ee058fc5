package dev.tagger.training.jobs;

import java.util.ArrayList;
import java.util.List;

/**
 * Which weights a job trains: {@code head} (the encoder frozen; its outputs are computed once and cached),
 * {@code top_layers:N} (the last N transformer layers and the head) or {@code all} (embeddings, every layer and
 * the head).
 *
 * @param topLayers N for top_layers:N; 0 for head; -1 for all
 */
public record TrainMode(int topLayers) {

    public static final TrainMode HEAD = new TrainMode(0);
    public static final TrainMode ALL = new TrainMode(-1);

    /** Parses head, top_layers:N (N from 1 to {@code layers}) or all. */
    public static TrainMode parse(String value, int layers) {
        if ("head".equals(value)) {
            return HEAD;
        }
        if ("all".equals(value)) {
            return ALL;
        }
        if (value != null && value.matches("top_layers:[0-9]{1,4}")) {
            int n = Integer.parseInt(value.substring("top_layers:".length()));
            if (n >= 1 && n <= layers) {
                return new TrainMode(n);
            }
            throw new IllegalArgumentException("top_layers:N needs N from 1 to " + layers + " (the encoder's layers)");
        }
        throw new IllegalArgumentException("'" + value + "' is not a training mode; use head, top_layers:N or all");
    }

    /**
     * Reads a mode written by {@link #toString()} (a stored job), without a bound on N: the bound was checked when
     * the job was planned.
     */
    public static TrainMode fromKey(String key) {
        return parse(key, Integer.MAX_VALUE);
    }

    public boolean headOnly() {
        return topLayers == 0;
    }

    /** Indexes into the encoder's parameter groups (0 the embeddings, 1 + L layer L) that this mode trains. */
    public List<Integer> groups(int layers) {
        List<Integer> out = new ArrayList<>();
        int first = topLayers < 0 ? 0 : layers + 1 - topLayers;
        for (int g = first; g <= layers && topLayers != 0; g++) {
            out.add(g);
        }
        return out;
    }

    @Override
    public String toString() {
        return topLayers == 0 ? "head" : topLayers < 0 ? "all" : "top_layers:" + topLayers;
    }
}
