package dev.tagger.store.local;

import dev.tagger.config.TaggerProperties;
import dev.tagger.datasets.DatasetRepository;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;

/** Datasets as files under tagger.store.dir (the local storage mode). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "tagger.store.mode", havingValue = "local", matchIfMissing = true)
public class LocalDatasetStoreConfig {

    @Bean
    DatasetRepository datasetRepository(TaggerProperties props) throws IOException {
        return new FileDatasetRepository(props.store().dir());
    }
}
