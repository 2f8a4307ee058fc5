package dev.tagger.store.shared;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the shared store ({@code tagger.store.mode=shared}); read only in that mode.
 *
 * @param jdbcUrl      the PostgreSQL database, e.g. {@code jdbc:postgresql://db:5432/tagger}
 * @param poolSize     connections per replica (the queue, events and admin calls share them)
 * @param cacheDir     where this replica keeps downloaded datasets and model bundles, by content digest
 * @param lease        how long a claimed job stays with its trainer without a heartbeat
 * @param maxAttempts  claims of one job before a lost lease fails it
 * @param pollInterval how often replicas look for job changes and a new served version (NOTIFY makes it sooner)
 * @param replicaId    this replica's name in the replicas table (default: host name and process id)
 */
@ConfigurationProperties(prefix = "tagger.shared")
public record SharedStoreProperties(String jdbcUrl, String username, String password, Integer poolSize, S3 s3,
                                    Path cacheDir, Duration lease, Integer maxAttempts, Duration pollInterval,
                                    String replicaId) {

    public SharedStoreProperties {
        poolSize = poolSize == null ? 8 : poolSize;
        s3 = s3 == null ? new S3(null, null, null, null, null, null) : s3;
        cacheDir = cacheDir == null ? Path.of("data", "cache") : cacheDir;
        lease = lease == null ? Duration.ofSeconds(30) : lease;
        maxAttempts = maxAttempts == null ? 3 : maxAttempts;
        pollInterval = pollInterval == null ? Duration.ofSeconds(2) : pollInterval;
    }

    /**
     * @param endpoint  the S3 endpoint; empty for AWS itself
     * @param pathStyle bucket in the path rather than the host name: what most S3-compatible servers need
     */
    public record S3(String endpoint, String region, String bucket, String accessKey, String secretKey,
                     Boolean pathStyle) {
        public S3 {
            region = region == null ? "us-east-1" : region;
            bucket = bucket == null ? "tagger" : bucket;
            pathStyle = pathStyle == null ? Boolean.TRUE : pathStyle;
        }
    }
}
