package dev.tagger.api;

import dev.tagger.ServiceTestBase;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The training-job operations in the OpenAPI description: named schemas with their JSON names, real status codes. */
class TrainJobsOpenApiTest extends ServiceTestBase {

    private static String schemaName(JsonNode content) {
        String ref = content.at("/schema/$ref").asString();
        return ref.substring(ref.lastIndexOf('/') + 1);
    }

    @Test
    void everyTrainingJobOperationNamesItsSchemasAndItsStatusCodes() throws Exception {
        JsonNode api = json(get("/v3/api-docs", NO_KEY));
        JsonNode schemas = api.at("/components/schemas");

        JsonNode submit = api.at("/paths/~1train-jobs/post");
        JsonNode body = submit.at("/requestBody/content/application~1json");
        assertThat(schemas.at("/" + schemaName(body) + "/properties").has("training_data")).isTrue();
        assertThat(body.at("/examples/inline examples/value/training_data/examples").size()).isEqualTo(3);
        JsonNode accepted = submit.at("/responses/202/content/application~1json");
        JsonNode job = schemas.get(schemaName(accepted));
        assertThat(job.at("/properties").has("created_at")).isTrue();
        assertThat(job.at("/properties").has("cancel_requested")).isTrue();
        assertThat(accepted.at("/example/status").asString("")
                + accepted.at("/examples").toString()).contains("QUEUED");
        assertCodes(submit, "400", "401", "403", "413", "415", "422", "429");

        JsonNode list = api.at("/paths/~1train-jobs/get");
        JsonNode page = schemas.get(schemaName(list.at("/responses/200/content/application~1json")));
        assertThat(page.at("/properties").has("total")).isTrue();
        assertCodes(list, "200", "401", "403", "422");

        assertCodes(api.at("/paths/~1train-jobs~1{id}/get"), "200", "401", "403", "404");
        assertCodes(api.at("/paths/~1train-jobs~1preview/post"), "200", "400", "401", "403", "413", "415", "422");
        assertCodes(api.at("/paths/~1train-jobs~1{id}~1cancel/post"), "200", "401", "403", "404", "409");
        assertCodes(api.at("/paths/~1train-jobs~1{id}~1events/get"), "200", "401", "403", "404");

        JsonNode progress = schemas.get("TrainJobProgress");
        assertThat(progress.at("/properties").has("total_steps")).isTrue();
        assertThat(schemas.at("/TrainJobDeployment/properties").has("serving_macro_f1")).isTrue();
        assertThat(schemas.at("/TrainJobSettings/properties").has("learning_rate")).isTrue();
        assertThat(schemas.at("/TrainJobResult/properties/metrics/type").asString()).isEqualTo("object");
    }

    private static void assertCodes(JsonNode operation, String... codes) {
        for (String code : codes) {
            assertThat(operation.at("/responses/" + code).isMissingNode()).as(code).isFalse();
        }
    }
}
