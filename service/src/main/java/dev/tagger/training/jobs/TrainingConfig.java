package dev.tagger.training.jobs;

import dev.tagger.config.TaggerProperties;
import dev.tagger.datasets.DatasetLimits;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the training side: the dataset upload limits, the meters. */
@Configuration(proxyBeanMethods = false)
public class TrainingConfig {

    @Bean
    DatasetLimits datasetLimits(TaggerProperties props) {
        TaggerProperties.Datasets d = props.datasets();
        return new DatasetLimits(d.maxRows(), d.maxTextChars(), d.maxLabels(), d.maxBytes().toBytes());
    }

    @Bean
    TrainingMetrics trainingMetrics(MeterRegistry registry, JobRepository jobs) {
        return new TrainingMetrics(registry, jobs);
    }
}
