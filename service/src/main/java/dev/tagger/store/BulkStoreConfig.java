package dev.tagger.store;

import dev.tagger.bulk.BulkJobRepository;
import dev.tagger.config.TaggerProperties;
import dev.tagger.store.local.FileBulkJobRepository;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Bulk classification jobs live in files under {@code tagger.store.dir} in both store modes: a bulk job runs on the
 * replica that took it (its inputs and results are that replica's), so the shared mode has no table for them.
 */
@Configuration(proxyBeanMethods = false)
public class BulkStoreConfig {

    @Bean
    BulkJobRepository bulkJobRepository(TaggerProperties props) {
        return new FileBulkJobRepository(props.store().dir());
    }
}
