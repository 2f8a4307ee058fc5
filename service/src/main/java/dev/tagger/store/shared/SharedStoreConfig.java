package dev.tagger.store.shared;

import dev.tagger.catalog.ModelCatalog;
import dev.tagger.catalog.ModelRepository;
import dev.tagger.config.Roles;
import dev.tagger.datasets.DatasetRepository;
import dev.tagger.training.jobs.JobEvents;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;

/**
 * The shared store ({@code tagger.store.mode=shared}): jobs, dataset metadata, model versions, the served pointer
 * and the replicas in PostgreSQL; dataset files and model bundles in S3. Every replica of the service points at the
 * same two, so they share one truth; see {@code tagger.shared.*} ({@link SharedStoreProperties}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "tagger.store.mode", havingValue = "shared")
public class SharedStoreConfig {

    private static final Logger log = LoggerFactory.getLogger(SharedStoreConfig.class);

    @Bean(destroyMethod = "close")
    HikariDataSource sharedDataSource(SharedStoreProperties p) {
        if (p.jdbcUrl() == null || p.jdbcUrl().isBlank()) {
            throw new IllegalArgumentException("tagger.store.mode=shared needs tagger.shared.jdbc-url (PostgreSQL)");
        }
        return Database.open(p.jdbcUrl(), p.username(), p.password(), p.poolSize());
    }

    @Bean(destroyMethod = "close")
    S3Blobs s3Blobs(SharedStoreProperties p) {
        S3Blobs blobs = new S3Blobs(p.s3(), p.cacheDir());
        try {
            blobs.ensureBucket();
        } catch (StoreUnavailableException e) {
            // The object store may come up after us; uploads answer 503 until it does.
            log.warn("cannot reach the object store yet: {}", e.getMessage());
        }
        return blobs;
    }

    @Bean
    SharedReplicaId sharedReplicaId(SharedStoreProperties p) {
        return new SharedReplicaId(p.replicaId() != null && !p.replicaId().isBlank() ? p.replicaId() : defaultId());
    }

    /** The host name (the pod's name on Kubernetes) and the process id. */
    private static String defaultId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "replica";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    /** This replica's name, as the job leases and the replicas table know it. */
    record SharedReplicaId(String value) {
    }

    /** Also the service's {@code JobRepository}. */
    @Bean(destroyMethod = "close")
    PgJobRepository jobRepository(HikariDataSource ds, SharedStoreProperties p, SharedReplicaId id) {
        return new PgJobRepository(ds, id.value(), p.lease(), p.maxAttempts());
    }

    @Bean(destroyMethod = "close")
    JobEvents jobEvents(HikariDataSource ds, SharedStoreProperties p) {
        // Streams poll faster than the pointer: a progress bar should move a few times a second.
        return new PgJobEvents(ds, p.pollInterval().dividedBy(4));
    }

    @Bean
    ModelRepository modelRepository(HikariDataSource ds, S3Blobs blobs) {
        return new PgModelRepository(ds, blobs);
    }

    @Bean
    DatasetRepository datasetRepository(HikariDataSource ds, S3Blobs blobs) {
        return new PgDatasetRepository(ds, blobs, Clock.systemUTC());
    }

    /** Also the service's {@code Replicas}. */
    @Bean
    ReplicaSync replicaSync(HikariDataSource ds, ModelRepository models, ModelCatalog catalog, Roles roles,
                            SharedReplicaId id, SharedStoreProperties p) {
        return new ReplicaSync(ds, models, catalog, roles, id.value(), p);
    }

    /** Readiness by role (management.endpoint.health.group.readiness includes "store"). */
    @Bean("store")
    SharedStoreHealth storeHealth(HikariDataSource ds, Roles roles) {
        return new SharedStoreHealth(ds, roles);
    }
}
