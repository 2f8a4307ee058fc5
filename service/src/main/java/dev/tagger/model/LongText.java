package dev.tagger.model;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a text longer than the model's token limit is read: cut after the limit, or read whole in overlapping
 * windows whose per-label probabilities are then combined. A model's config.json may name its default
 ({@code "tagger": {"long_text": {"mode": "chunk", "aggregation": "max", "window": 64, "stride": 16}}}); a
 * request may override it.
 *
 * @param mode        truncate or chunk
 * @param aggregation how the windows' probabilities become the text's (chunk only)
 * @param window      tokens per window, [CLS]/[SEP] included, or null for the model's max_tokens
 * @param stride      tokens that consecutive windows share, or null for a quarter of the window
 */
public record LongText(Mode mode, Aggregation aggregation, Integer window, Integer stride) {

    /** What every model does unless its config says otherwise: today's truncation. */
    public static final LongText DEFAULT = new LongText(Mode.TRUNCATE, Aggregation.MAX, null, null);

    public LongText {
        mode = mode == null ? Mode.TRUNCATE : mode;
        aggregation = aggregation == null ? Aggregation.MAX : aggregation;
        if (stride != null && stride < 0) {
            throw new ModelFormatException("long_text.stride must be zero or more, got " + stride);
        }
        if (window != null && window < 3) {
            throw new ModelFormatException("long_text.window must be at least 3 tokens, got " + window);
        }
    }

    /** config.json's {@code tagger.long_text}: a mode name or an object; absent means {@link #DEFAULT}. */
    public static LongText fromConfig(JsonNode tagger) {
        JsonNode n = tagger.path("long_text");
        if (n.isMissingNode() || n.isNull()) {
            return DEFAULT;
        }
        try {
            if (n.isString()) {
                return new LongText(Mode.parse(n.asString()), null, null, null);
            }
            JsonNode window = n.path("window");
            JsonNode stride = n.path("stride");
            if (!n.isObject() || !(window.isMissingNode() || window.isIntegralNumber())
                    || !(stride.isMissingNode() || stride.isIntegralNumber())) {
                throw new IllegalArgumentException("must be \"truncate\", \"chunk\" or "
                        + "{\"mode\", \"aggregation\", \"window\" and \"stride\" (tokens)}");
            }
            return new LongText(n.path("mode").isString() ? Mode.parse(n.path("mode").asString()) : null,
                    n.path("aggregation").isString() ? Aggregation.parse(n.path("aggregation").asString()) : null,
                    window.isMissingNode() ? null : window.asInt(), stride.isMissingNode() ? null : stride.asInt());
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("config.json: tagger.long_text " + e.getMessage(), e);
        }
    }

    /** Writes {@code long_text} into config.json's tagger section; nothing for the default, so older files keep their digest. */
    public void writeTo(ObjectNode tagger) {
        if (equals(DEFAULT)) {
            return;
        }
        ObjectNode n = tagger.putObject("long_text");
        n.put("mode", mode.key());
        n.put("aggregation", aggregation.key());
        if (window != null) {
            n.put("window", window);
        }
        if (stride != null) {
            n.put("stride", stride);
        }
    }

    /** Truncate: read the first max_tokens; chunk: read every token in windows of max_tokens. */
    public enum Mode {
        TRUNCATE, CHUNK;

        public static Mode parse(String value) {
            return parseEnum(Mode.class, values(), value, "long_text");
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Per label: the highest window probability (evidence anywhere counts) or their mean. */
    public enum Aggregation {
        MAX, MEAN;

        public static Aggregation parse(String value) {
            return parseEnum(Aggregation.class, values(), value, "aggregation");
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, E[] values, String value, String what) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown " + what + " '" + value + "'; supported: "
                    + Arrays.toString(values).toLowerCase(Locale.ROOT), e);
        }
    }
}
