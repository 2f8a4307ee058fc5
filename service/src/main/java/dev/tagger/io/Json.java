package dev.tagger.io;

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
}
