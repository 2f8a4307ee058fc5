package dev.tagger.api;

import dev.tagger.config.TaggerProperties;
import jakarta.servlet.MultipartConfigElement;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Multipart limits derived from tagger.datasets.max-bytes (replaces spring.servlet.multipart.*). */
@Configuration(proxyBeanMethods = false)
public class UploadConfig {

    @Bean
    MultipartConfigElement multipartConfigElement(TaggerProperties props) {
        long max = props.datasets().maxBytes().toBytes();
        return new MultipartConfigElement("", max, max + BodySizeFilter.MULTIPART_SLACK, 1024 * 1024);
    }
}
