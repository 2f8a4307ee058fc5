package dev.tagger.store;

import dev.tagger.bulk.BulkJobRepository;
import dev.tagger.catalog.ModelRepository;
import dev.tagger.config.TaggerProperties;
import dev.tagger.store.local.FileBulkJobRepository;
import dev.tagger.store.local.FileJobRepository;
import dev.tagger.store.local.FileModelRepository;
import dev.tagger.store.local.LocalJobEvents;
import dev.tagger.training.jobs.JobEvents;
import dev.tagger.training.jobs.JobRepository;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Chooses where jobs, job events and models live. Today there is one mode, local: files under
 * {@code tagger.store.dir}, events within the process ({@code store/local}). A shared mode adds its own
 * implementations under {@code store/shared} and a switch here; nothing else changes, since the rest of the
 * service reaches storage only through {@link JobRepository}, {@link JobEvents} and {@link ModelRepository}.
 */
@Configuration(proxyBeanMethods = false)
public class StoreConfig {

    @Bean
    JobRepository jobRepository(TaggerProperties props) {
        return new FileJobRepository(props.store().dir());
    }

    @Bean
    JobEvents jobEvents(JobRepository jobs) {
        return new LocalJobEvents(jobs);
    }

    @Bean
    BulkJobRepository bulkJobRepository(TaggerProperties props) {
        return new FileBulkJobRepository(props.store().dir());
    }

    @Bean
    ModelRepository modelRepository(TaggerProperties props) {
        return new FileModelRepository(props.store().dir());
    }
}
