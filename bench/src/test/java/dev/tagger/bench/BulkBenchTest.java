package dev.tagger.bench;

import dev.tagger.io.Json;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The bulk phase's upload: one compact JSON object a line, ids the texts' positions. */
class BulkBenchTest {

    @Test
    void everyTextIsOneLineWithItsPositionAsId() {
        List<String> texts = List.of("I love it", "two\nlines and a \"quote\"", "emoji 😂");
        String file = new String(BulkBench.jsonl(texts), StandardCharsets.UTF_8);

        String[] lines = file.split("\n");
        assertThat(lines).hasSize(3);
        assertThat(file).endsWith("\n");
        for (int i = 0; i < lines.length; i++) {
            JsonNode n = Json.MAPPER.readTree(lines[i]);
            assertThat(n.get("id").asInt()).isEqualTo(i);
            assertThat(n.get("text").asString()).isEqualTo(texts.get(i));
        }
    }
}
