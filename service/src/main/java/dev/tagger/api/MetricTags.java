package dev.tagger.api;

import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tags the metrics endpoints (/actuator/prometheus, /actuator/metrics) do not show. Spring Boot tags its startup
 * time gauges with the main class's name, which says how the service is built, not how it runs.
 */
@Configuration(proxyBeanMethods = false)
class MetricTags {

    @Bean
    MeterFilter withoutMainClass() {
        return MeterFilter.ignoreTags("main.application.class");
    }
}
