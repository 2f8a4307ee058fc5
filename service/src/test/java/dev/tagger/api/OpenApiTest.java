package dev.tagger.api;

import dev.tagger.ServiceTestBase;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI description is served without a key and describes /classify with examples. */
class OpenApiTest extends ServiceTestBase {

    @Test
    void theDescriptionIsOpenAndDocumentsClassifyWithExamples() throws Exception {
        HttpResponse<String> r = get("/v3/api-docs", NO_KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode api = json(r);
        assertThat(api.at("/info/title").asString()).isEqualTo("Tagger");

        JsonNode classify = api.at("/paths/~1classify/post");
        JsonNode examples = classify.at("/requestBody/content/application~1json/examples");
        assertThat(examples.at("/one text/value/text").asString()).isNotBlank();
        assertThat(examples.at("/batch/value/texts").size()).isEqualTo(2);
        String schema = classify.at("/requestBody/content/application~1json/schema/$ref").asString();
        assertThat(api.at("/components/schemas/" + schema.substring(schema.lastIndexOf('/') + 1) + "/properties")
                .has("top_k")).isTrue();
        assertThat(classify.at("/responses/200/content/application~1json/examples/batch/value/results").size()).isEqualTo(2);
        for (String status : new String[] {"401", "413", "422", "429", "503"}) {
            assertThat(classify.at("/responses/" + status).isMissingNode()).as(status).isFalse();
        }

        assertThat(api.at("/paths/~1models~1current/get/responses/200").isMissingNode()).isFalse();
        assertThat(api.at("/components/securitySchemes/bearer/scheme").asString()).isEqualTo("bearer");
        assertThat(api.at("/components/securitySchemes/apiKey/name").asString()).isEqualTo("X-API-Key");
        assertThat(api.at("/components/schemas/Problem/properties").has("detail")).isTrue();
    }

    @Test
    void yamlAndSwaggerUiAreServedToo() throws Exception {
        HttpResponse<String> yaml = get("/v3/api-docs.yaml", NO_KEY);
        assertThat(yaml.statusCode()).isEqualTo(200);
        assertThat(yaml.body()).contains("/classify:");
        assertThat(get("/swagger-ui/index.html", NO_KEY).statusCode()).isEqualTo(200);
    }
}
