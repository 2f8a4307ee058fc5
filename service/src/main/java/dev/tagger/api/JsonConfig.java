package dev.tagger.api;

import dev.tagger.io.Json;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

/**
 * One JSON mapper: Spring's {@link JsonMapper} bean is {@link Json#MAPPER} (Spring Boot's own then backs off), so
 * HTTP bodies, event streams, security errors and the files the service writes share its settings.
 *
 * <p>The HTTP converter is built from a copy of those settings plus Spring's ProblemDetail mix-in, which puts a
 * problem's extra properties ({@code field}, {@code limit}, ...) at the top level of problem+json: the one thing
 * Spring Boot's mapper added to a plain one. It takes the JSON converter's usual place, after the byte[] and String
 * converters (a converter bean would be put before them). This configurer runs after Spring Boot's, so its choice
 * stands.
 */
@Configuration(proxyBeanMethods = false)
class JsonConfig implements WebMvcConfigurer {

    @Bean
    JsonMapper jsonMapper() {
        return Json.MAPPER;
    }

    @Override
    public void configureMessageConverters(HttpMessageConverters.ServerBuilder builder) {
        builder.withJsonConverter(new JacksonJsonHttpMessageConverter(Json.MAPPER.rebuild()));
    }
}
