package dev.tagger.io;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

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

    /**
     * The parser's limits as the parser names them in its message (by their getters), what an input over each one
     * does, and the limit's unit; the document length comes last, as the limit a message naming none of them hit.
     */
    private record Limit(String name, String words, String unit, ToLongFunction<StreamReadConstraints> value) {
    }

    private static final List<Limit> LIMITS = List.of(
            new Limit("NestingDepth", "nests arrays and objects deeper than", " levels",
                    StreamReadConstraints::getMaxNestingDepth),
            new Limit("NumberLength", "has a number longer than", " characters",
                    StreamReadConstraints::getMaxNumberLength),
            new Limit("StringLength", "has a string longer than", " characters",
                    StreamReadConstraints::getMaxStringLength),
            new Limit("NameLength", "has a field name longer than", " characters",
                    StreamReadConstraints::getMaxNameLength),
            new Limit("TokenCount", "has more values than", "", StreamReadConstraints::getMaxTokenCount),
            new Limit("", "is longer than", " characters", StreamReadConstraints::getMaxDocumentLength));

    /** The limit a parse failure hit, when it was one (nesting depth, number, string or name length). */
    public static Optional<LimitExceeded> limitExceeded(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StreamConstraintsException c) {
                // The parser names the limit by its getter; its own sentence quotes the parser's API.
                String m = c.getOriginalMessage() == null ? "" : c.getOriginalMessage();
                StreamReadConstraints limits = MAPPER.tokenStreamFactory().streamReadConstraints();
                for (Limit l : LIMITS) {
                    if (m.contains(l.name())) {
                        long value = l.value().applyAsLong(limits);
                        return Optional.of(new LimitExceeded(l.words() + " the limit of " + value + l.unit(), value));
                    }
                }
            }
        }
        return Optional.empty();
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
