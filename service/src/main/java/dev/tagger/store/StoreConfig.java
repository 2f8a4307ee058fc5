package dev.tagger.store;

import dev.tagger.catalog.ModelCatalog;
import dev.tagger.catalog.ModelRepository;
import dev.tagger.catalog.Replicas;
import dev.tagger.config.Roles;
import dev.tagger.config.TaggerProperties;
import dev.tagger.store.local.FileJobRepository;
import dev.tagger.store.local.FileModelRepository;
import dev.tagger.store.local.LocalJobEvents;
import dev.tagger.store.local.LocalReplicas;
import dev.tagger.store.local.LocalStoreHealth;
import dev.tagger.training.jobs.JobEvents;
import dev.tagger.training.jobs.JobRepository;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.lang.management.ManagementFactory;

/**
 * Where jobs, job events and models live in the local mode ({@code tagger.store.mode=local}, the default): files
 * under {@code tagger.store.dir}, events within the process ({@code store/local}). The shared mode
 * ({@code store/shared/SharedStoreConfig}) puts the same interfaces on PostgreSQL and S3; nothing else changes,
 * since the rest of the service reaches storage only through {@link JobRepository}, {@link JobEvents},
 * {@link ModelRepository}, the dataset repository and {@link Replicas}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "tagger.store.mode", havingValue = "local", matchIfMissing = true)
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
    ModelRepository modelRepository(TaggerProperties props) {
        return new FileModelRepository(props.store().dir());
    }

    @Bean
    Replicas replicas(ModelCatalog catalog, Roles roles) {
        return new LocalReplicas(catalog, roles, "local-" + ManagementFactory.getRuntimeMXBean().getPid());
    }

    /** DOWN while the store folder cannot be written or is nearly full (readiness includes "store" in both modes). */
    @Bean("store")
    HealthIndicator storeHealth(TaggerProperties props) {
        return new LocalStoreHealth(props.store().dir());
    }
}
