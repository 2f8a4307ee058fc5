package dev.tagger.serving;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the serving path's metrics and their in-memory history. */
@Configuration(proxyBeanMethods = false)
public class InferenceConfig {

    @Bean
    InferenceMetrics inferenceMetrics(MeterRegistry registry) {
        return new InferenceMetrics(registry);
    }

    /** The last ten minutes of those metrics, for the console (closed with the context). */
    @Bean
    ServingHistory servingHistory(MeterRegistry registry) {
        return new ServingHistory(registry);
    }
}
