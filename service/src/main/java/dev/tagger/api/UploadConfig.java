package dev.tagger.api;

import dev.tagger.config.TaggerProperties;

import jakarta.servlet.MultipartConfigElement;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Multipart limits derived from tagger.datasets.max-bytes and tagger.models.max-upload-bytes (replaces
 * spring.servlet.multipart.*): the larger of the two; {@link BodySizeFilter} holds each endpoint to its own.
 */
@Configuration(proxyBeanMethods = false)
public class UploadConfig {

    @Bean
    MultipartConfigElement multipartConfigElement(TaggerProperties props) {
        long max = Math.max(props.datasets().maxBytes().toBytes(), props.models().maxUploadBytes().toBytes());
        return new MultipartConfigElement("", max, max + BodySizeFilter.MULTIPART_SLACK, 1024 * 1024);
    }
}
