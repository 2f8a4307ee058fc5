package dev.tagger.io;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper of the service. Files we write (bundles, cards, job records) and HTTP bodies use the same
 * settings; Spring's mapper bean is this instance, so a setting changed here changes both.
 */
public final class Json {

    /** Compact output, for HTTP bodies and event payloads. */
    public static final JsonMapper MAPPER = JsonMapper.builder().build();

    /** Indented output, for files a person may read (config.json, card.json, thresholds.json). */
    public static final JsonMapper FILES = MAPPER.rebuild().enable(SerializationFeature.INDENT_OUTPUT).build();

    private Json() {
    }

    /**
     * A parse failure that hit one of the parser's limits, said as what the input does: {@code words} follows the
     * input's name ("the request body nests arrays and objects deeper than the limit of 500 levels").
     */
    public record LimitExceeded(String words, long limit) {
    }

    /** The limit a parse failure hit, when it was one (nesting depth, number, string or name length). */
    public static java.util.Optional<LimitExceeded> limitExceeded(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StreamConstraintsException c) {
                // The parser names the limit by its getter; its own sentence quotes the parser's API.
                String m = c.getOriginalMessage() == null ? "" : c.getOriginalMessage();
                StreamReadConstraints limits = MAPPER.tokenStreamFactory().streamReadConstraints();
                if (m.contains("NestingDepth")) {
                    return java.util.Optional.of(new LimitExceeded("nests arrays and objects deeper than the limit of "
                            + limits.getMaxNestingDepth() + " levels", limits.getMaxNestingDepth()));
                }
                if (m.contains("NumberLength")) {
                    return java.util.Optional.of(new LimitExceeded("has a number longer than the limit of "
                            + limits.getMaxNumberLength() + " characters", limits.getMaxNumberLength()));
                }
                if (m.contains("StringLength")) {
                    return java.util.Optional.of(new LimitExceeded("has a string longer than the limit of "
                            + limits.getMaxStringLength() + " characters", limits.getMaxStringLength()));
                }
                if (m.contains("NameLength")) {
                    return java.util.Optional.of(new LimitExceeded("has a field name longer than the limit of "
                            + limits.getMaxNameLength() + " characters", limits.getMaxNameLength()));
                }
                if (m.contains("TokenCount")) {
                    return java.util.Optional.of(new LimitExceeded("has more values than the limit of "
                            + limits.getMaxTokenCount(), limits.getMaxTokenCount()));
                }
                return java.util.Optional.of(new LimitExceeded("is longer than the limit of "
                        + limits.getMaxDocumentLength() + " characters", limits.getMaxDocumentLength()));
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Where a parse failed, as {@code " at line L column C"} (empty when unknown). Error messages use this instead
     * of the parser's own text, which quotes the input and names parser internals.
     */
    public static String where(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof JacksonException je && je.getLocation() != null) {
                TokenStreamLocation l = je.getLocation();
                if (l.getLineNr() > 0) {
                    return " at line " + l.getLineNr() + " column " + l.getColumnNr();
                }
            }
        }
        return "";
    }
}
