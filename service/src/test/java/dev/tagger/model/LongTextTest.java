package dev.tagger.model;

import dev.tagger.io.Json;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A model's default way of reading long texts, as config.json's tagger.long_text holds it. */
class LongTextTest {

    private static LongText read(String taggerJson) {
        return LongText.fromConfig(Json.MAPPER.readTree(taggerJson));
    }

    @Test
    void absentMeansTruncateAndIsNotWritten() {
        assertThat(read("{}")).isEqualTo(LongText.DEFAULT);
        ObjectNode tagger = Json.MAPPER.createObjectNode();
        LongText.DEFAULT.writeTo(tagger);
        assertThat(tagger.isEmpty()).as("configs without the key keep their digest").isTrue();
    }

    @Test
    void aModeNameOrAnObjectIsReadAndWrittenBack() {
        assertThat(read("{\"long_text\": \"chunk\"}")).isEqualTo(new LongText(LongText.Mode.CHUNK, null, null, null));
        LongText l = read("{\"long_text\": {\"mode\": \"chunk\", \"aggregation\": \"mean\", \"window\": 64, \"stride\": 16}}");
        assertThat(l).isEqualTo(new LongText(LongText.Mode.CHUNK, LongText.Aggregation.MEAN, 64, 16));
        ObjectNode tagger = Json.MAPPER.createObjectNode();
        l.writeTo(tagger);
        assertThat(LongText.fromConfig(tagger)).isEqualTo(l);
    }

    @Test
    void aBadValueIsAModelFormatErrorNamingTheKey() {
        for (String bad : new String[] {"{\"long_text\": \"split\"}", "{\"long_text\": 3}",
                "{\"long_text\": {\"aggregation\": \"median\"}}", "{\"long_text\": {\"stride\": \"x\"}}",
                "{\"long_text\": {\"stride\": -2}}", "{\"long_text\": {\"window\": 2}}"}) {
            assertThatThrownBy(() -> read(bad)).as(bad).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("long_text");
        }
    }
}
