package dev.tagger.api;

import dev.tagger.TaggerApplication;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The OpenAPI description served at /v3/api-docs (and Swagger UI at /swagger-ui.html), open without a key.
 * springdoc reads the controllers and their request and response records; this adds what they cannot say: the two
 * ways to send a key, the problem+json error shape (every 4xx and 5xx answer has it, so an operation only names its
 * codes and says when each happens), and the 401 answer every secured operation can give.
 */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(
        info = @Info(title = "Tagger", description = "Multi-label text tagging: one independent probability per "
                + "label (sigmoid, not softmax) and the labels that pass each label's own threshold."),
        security = {@SecurityRequirement(name = OpenApiConfig.BEARER), @SecurityRequirement(name = OpenApiConfig.API_KEY)})
@SecurityScheme(name = OpenApiConfig.BEARER, type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "An API key as 'Authorization: Bearer <key>'. Classify keys may classify and read the models; "
                + "admin keys may do everything.")
@SecurityScheme(name = OpenApiConfig.API_KEY, type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
        paramName = "X-API-Key", description = "The same API key in the X-API-Key header.")
public class OpenApiConfig {

    static final String BEARER = "bearer";
    static final String API_KEY = "apiKey";
    static final String PROBLEM = "#/components/schemas/Problem";
    static final String PROBLEM_JSON = "application/problem+json";

    /** A problem as ApiErrors writes it, in its field order. */
    private static final Map<String, Object> PROBLEM_EXAMPLE = new LinkedHashMap<>();

    static {
        PROBLEM_EXAMPLE.put("detail", "'texts' must hold at least one text");
        PROBLEM_EXAMPLE.put("instance", "/classify");
        PROBLEM_EXAMPLE.put("status", 422);
        PROBLEM_EXAMPLE.put("title", "Unprocessable Content");
        PROBLEM_EXAMPLE.put("field", "texts");
        PROBLEM_EXAMPLE.put("limit", 1);
        // Bodies read as a JSON tree (and the model card, passed through as stored) are plain JSON objects, not
        // the JsonNode class's getters.
        SpringDocUtils.getConfig().replaceWithSchema(JsonNode.class, new ObjectSchema());
    }

    @Bean
    OpenApiCustomizer taggerOpenApi() {
        String version = Objects.requireNonNullElse(TaggerApplication.class.getPackage().getImplementationVersion(), "dev");
        return api -> {
            api.getInfo().version(version);
            api.getComponents().addSchemas("Problem", new ObjectSchema()
                    .description("An error (RFC 9457 problem details)")
                    .addProperty("title", new StringSchema().example("Unprocessable Content"))
                    .addProperty("status", new IntegerSchema().example(422))
                    .addProperty("detail", new StringSchema().description("what was wrong"))
                    .addProperty("instance", new StringSchema().description("the request path"))
                    .addProperty("field", new StringSchema().description("the field at fault, where one is"))
                    .addProperty("limit", new Schema<>().description("the limit that was passed, where one applies"))
                    .addProperty("reason", new StringSchema().description("429 and 503: overloaded, not_ready or timeout"))
                    .example(PROBLEM_EXAMPLE));
            api.getPaths().values().forEach(path -> path.readOperations().forEach(operation -> {
                // 403 (a valid key without the admin role) is declared by the operations that need an admin key.
                operation.getResponses().putIfAbsent("401", new ApiResponse().description("No API key, or one that "
                        + "matches no configured key (WWW-Authenticate: Bearer)"));
                operation.getResponses().forEach((code, response) -> {
                    if (code.charAt(0) == '4' || code.charAt(0) == '5') {
                        asProblem(response);
                    }
                });
            }));
        };
    }

    /** Every error answer is problem+json; an example the operation gave for it is kept. */
    private static void asProblem(ApiResponse response) {
        MediaType given = response.getContent() == null ? null : response.getContent().get(PROBLEM_JSON);
        MediaType problem = given != null ? given : new MediaType();
        response.content(new Content().addMediaType(PROBLEM_JSON, problem.schema(new Schema<>().$ref(PROBLEM))));
    }
}
