package dev.tagger.api;

import dev.tagger.ServiceTestBase;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI description is served without a key, describes /classify with examples, names a schema with an
 * example for every JSON body, and lists the status codes each operation really answers with.
 */
class OpenApiTest extends ServiceTestBase {

    /** Tags whose operations the schema and status checks skip: none, every controller answers typed bodies. */
    static final Set<String> PENDING_TAGS = Set.of();

    /**
     * The codes these operations can answer with, read from ApiErrors, the security rules and the controllers. An
     * operation not listed here is only held to naming a 4xx code and answering errors as problems.
     */
    static final Map<String, Set<String>> CODES = Map.ofEntries(
            Map.entry("POST /classify", Set.of("200", "400", "401", "413", "415", "422", "429", "503")),
            Map.entry("GET /models/current", Set.of("200", "401", "503")),
            Map.entry("GET /models", Set.of("200", "401")),
            Map.entry("POST /models", Set.of("201", "400", "401", "403", "409", "413", "415", "422")),
            Map.entry("GET /models/{id}", Set.of("200", "401", "404")),
            Map.entry("POST /models/{id}/deploy", Set.of("200", "401", "403", "404", "422")),
            Map.entry("DELETE /models/{id}", Set.of("204", "401", "403", "404", "409")),
            Map.entry("GET /models/{id}/export", Set.of("200", "401", "403", "404", "409", "422")),
            Map.entry("GET /serving/summary", Set.of("200", "401")),
            Map.entry("GET /replicas", Set.of("200", "401", "403", "503")));

    record Op(String name, JsonNode node) {
    }

    private JsonNode api() throws Exception {
        HttpResponse<String> r = get("/v3/api-docs", NO_KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        return json(r);
    }

    /** Every operation of the document but those of {@link #PENDING_TAGS}. */
    private static List<Op> operations(JsonNode api) {
        List<Op> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : api.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                boolean pending = false;
                for (JsonNode tag : op.getValue().path("tags")) {
                    pending |= PENDING_TAGS.contains(tag.asString());
                }
                if (!pending) {
                    out.add(new Op(op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey(), op.getValue()));
                }
            }
        }
        return out;
    }

    @Test
    void theDescriptionIsOpenAndDocumentsClassifyWithExamples() throws Exception {
        JsonNode api = api();
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
    void everyJsonBodyNamesASchemaThatHasAnExample() throws Exception {
        JsonNode api = api();
        JsonNode schemas = api.at("/components/schemas");
        List<String> checked = new ArrayList<>();
        for (Op op : operations(api)) {
            List<Map.Entry<String, JsonNode>> bodies = new ArrayList<>();
            op.node().at("/requestBody/content").properties().forEach(e -> bodies.add(Map.entry("request " + e.getKey(),
                    e.getValue())));
            for (Map.Entry<String, JsonNode> r : op.node().path("responses").properties()) {
                r.getValue().path("content").properties().forEach(e -> bodies.add(Map.entry(r.getKey() + " " + e.getKey(),
                        e.getValue())));
            }
            for (Map.Entry<String, JsonNode> body : bodies) {
                String where = op.name() + " " + body.getKey();
                // JSON bodies (application/json, problem+json); a JSON Lines file upload is a file, not a JSON body
                if (!body.getKey().endsWith("json")) {
                    assertThat(body.getKey()).as(where).doesNotContain("*/*");
                    continue;
                }
                String ref = body.getValue().at("/schema/$ref").asString("");
                assertThat(ref).as("%s names a schema", where).startsWith("#/components/schemas/");
                JsonNode named = schemas.path(ref.substring(ref.lastIndexOf('/') + 1));
                assertThat(named.path("properties").isEmpty()).as("%s: %s has properties", where, ref).isFalse();
                boolean example = body.getValue().has("example") || !body.getValue().path("examples").isEmpty()
                        || named.has("example");
                assertThat(example).as("%s has an example", where).isTrue();
                checked.add(where);
            }
        }
        assertThat(checked).as("bodies checked").hasSizeGreaterThan(15);
        assertThat(schemas.has("JsonNode")).as("no schema of the JsonNode class's getters").isFalse();
    }

    @Test
    void everyOperationListsItsRealStatusCodesAndErrorsAreProblems() throws Exception {
        Set<String> seen = new TreeSet<>();
        for (Op op : operations(api())) {
            Set<String> codes = new TreeSet<>();
            op.node().path("responses").properties().forEach(e -> codes.add(e.getKey()));
            assertThat(codes).as("%s lists a 4xx code", op.name()).anyMatch(c -> c.startsWith("4"));
            if (CODES.containsKey(op.name())) {
                assertThat(codes).as(op.name()).isEqualTo(CODES.get(op.name()));
            }
            for (String code : codes) {
                if (code.charAt(0) == '4' || code.charAt(0) == '5') {
                    JsonNode content = op.node().at("/responses/" + code + "/content");
                    assertThat(content.propertyNames()).as("%s %s", op.name(), code)
                            .containsExactly("application/problem+json");
                    assertThat(content.at("/application~1problem+json/schema/$ref").asString())
                            .isEqualTo("#/components/schemas/Problem");
                }
            }
            seen.add(op.name());
        }
        assertThat(seen).containsAll(CODES.keySet());
    }

    @Test
    void yamlAndSwaggerUiAreServedToo() throws Exception {
        HttpResponse<String> yaml = get("/v3/api-docs.yaml", NO_KEY);
        assertThat(yaml.statusCode()).isEqualTo(200);
        assertThat(yaml.body()).contains("/classify:");
        assertThat(get("/swagger-ui/index.html", NO_KEY).statusCode()).isEqualTo(200);
    }
}
