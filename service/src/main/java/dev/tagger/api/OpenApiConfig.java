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
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Objects;

/**
 * The OpenAPI description served at /v3/api-docs (and Swagger UI at /swagger-ui.html), open without a key.
 * springdoc reads the controllers; this adds what they cannot say: the two ways to send a key, the problem+json
 * error shape, and the 401 answer every secured operation can give.
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
                    .addProperty("limit", new Schema<>().description("the limit that was passed, where one applies")));
            api.getPaths().values().forEach(path -> path.readOperations().forEach(operation -> {
                // 403 (a valid key without the admin role) is declared by the operations that need an admin key.
                operation.getResponses().putIfAbsent("401", problem("No API key, or one that matches no configured "
                        + "key (WWW-Authenticate: Bearer)"));
            }));
        };
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse().description(description).content(new Content().addMediaType(PROBLEM_JSON,
                new MediaType().schema(new Schema<>().$ref(PROBLEM))));
    }
}
