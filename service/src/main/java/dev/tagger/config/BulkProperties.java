package dev.tagger.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * Bulk classification jobs ({@code POST /classify-jobs}): the {@code tagger.bulk.*} settings.
 *
 * @param maxUploadBytes   size of one uploaded input file; larger uploads get 413
 * @param maxTexts         texts of one job; more get 422
 * @param queueCapacity    jobs waiting to run at most; beyond it a new job gets 429
 * @param chunkTexts       texts the runner hands the batch queue at a time (one fsync of the results per chunk)
 * @param maxInFlightTexts texts of the running job queued or running at once: enough to keep every worker's
 *                         batches full, few enough that a cancel or a stop drops little work
 * @param maxBatchTokens   tokens per background batch: an interactive request that arrives while one runs waits
 *                         for it at most, so this bounds what bulk work adds to interactive latency
 * @param interactiveQuiet after an interactive request, bulk batches leave one worker free for this long
 * @param eventsTimeout    how long a progress event stream stays open
 */
@ConfigurationProperties("tagger.bulk")
public record BulkProperties(DataSize maxUploadBytes, Long maxTexts, Integer queueCapacity, Integer chunkTexts,
                             Integer maxInFlightTexts, Integer maxBatchTokens, Duration interactiveQuiet,
                             Duration eventsTimeout) {

    public BulkProperties {
        maxUploadBytes = maxUploadBytes == null ? DataSize.ofMegabytes(100) : maxUploadBytes;
        maxTexts = maxTexts == null ? 1_000_000L : maxTexts;
        queueCapacity = queueCapacity == null ? 16 : queueCapacity;
        chunkTexts = chunkTexts == null ? 64 : chunkTexts;
        maxInFlightTexts = maxInFlightTexts == null ? 256 : maxInFlightTexts;
        maxBatchTokens = maxBatchTokens == null ? 1024 : maxBatchTokens;
        interactiveQuiet = interactiveQuiet == null ? Duration.ofSeconds(1) : interactiveQuiet;
        eventsTimeout = eventsTimeout == null ? Duration.ofHours(1) : eventsTimeout;
        if (maxUploadBytes.toBytes() < 1 || maxTexts < 1 || queueCapacity < 1 || chunkTexts < 1
                || maxInFlightTexts < chunkTexts || maxBatchTokens < 1) {
            throw new IllegalArgumentException("tagger.bulk.* values must be positive, and max-in-flight-texts at "
                    + "least chunk-texts");
        }
    }
}
