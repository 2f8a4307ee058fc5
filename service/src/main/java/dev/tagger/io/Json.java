package dev.tagger.io;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
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
