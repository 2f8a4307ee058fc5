package dev.tagger.api;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tags the metrics endpoints (/actuator/prometheus, /actuator/metrics) do not show, because they name the code's
 * classes: Spring Boot tags its startup gauges with the main class, and each HTTP request with the simple name of
 * the exception it ended in. What a request ended in is its {@code status} and {@code outcome} tags; which
 * exception it was is in the service log, under the request id.
 */
@Configuration(proxyBeanMethods = false)
class MetricTags {

    /** The tags that hold an exception's class name: "exception" (Spring MVC's) and "error" (observations'). */
    private static final java.util.Set<String> NAMES_EXCEPTION = java.util.Set.of("exception", "error");

    @Bean
    MeterFilter withoutMainClass() {
        return MeterFilter.ignoreTags("main.application.class");
    }

    @Bean
    MeterFilter withoutExceptionNames() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (!id.getName().startsWith("http.server.requests")) {
                    return id;
                }
                return id.replaceTags(id.getTags().stream().filter(t -> !NAMES_EXCEPTION.contains(t.getKey()))
                        .toList());
            }
        };
    }
}
