package dev.tagger.config;

import dev.tagger.model.nn.ScriptedEncoder;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Every {@code tagger.*} setting, with defaults that work out of the box on a 2-core machine.
 *
 * @param device   where the model runs: auto (GPU when PyTorch sees one, else CPU), cpu, gpu, gpu:N[,gpu:M]
 * @param precision how the served encoder's dense layers compute on the CPU: int8 (default: per-token dynamic
 *                 quantization, several times faster than fp32 per forward pass; measured in docs/benchmark.md)
 *                 or fp32 (the trained model exactly). GPUs always run fp32
 * @param workers  inference workers per device, each running one batch at a time (default: one per
 *                 core on the CPU, each with {@code threads.intra-op} threads; one per GPU)
 * @param threads  PyTorch thread counts
 * @param model    which bundle to serve at start
 * @param store    where trained models, jobs and datasets are kept
 * @param api      request limits
 * @param batching dynamic batching and backpressure
 * @param datasets limits on uploaded datasets
 * @param training the fine-tuning job runner
 * @param models   limits on registered (uploaded) models
 */
@ConfigurationProperties("tagger")
public record TaggerProperties(String device, ScriptedEncoder.Precision precision, Integer workers, Threads threads,
                               Model model, Store store, Api api, Batching batching, Datasets datasets, Training training,
                               Models models) {

    public TaggerProperties {
        device = device == null ? "auto" : device;
        precision = precision == null ? ScriptedEncoder.Precision.INT8 : precision;
        threads = threads == null ? new Threads(null, null) : threads;
        model = model == null ? new Model(null, null) : model;
        store = store == null ? new Store(null) : store;
        api = api == null ? new Api(null, null, null, null, null, null) : api;
        batching = batching == null ? new Batching(null, null, null, null, null) : batching;
        datasets = datasets == null ? new Datasets(null, null, null, null) : datasets;
        training = training == null ? new Training(null, null, null, null, null) : training;
        models = models == null ? new Models(null, null, null, null, null) : models;
        if (workers != null && workers < 1) {
            throw new IllegalArgumentException("tagger.workers must be at least 1");
        }
        if (batching.queueCapacity() < api.maxTexts()) {
            // Otherwise a full-size request could never be admitted, and 429 would invite useless retries.
            throw new IllegalArgumentException("tagger.batching.queue-capacity (" + batching.queueCapacity()
                    + ") must be at least tagger.api.max-texts (" + api.maxTexts() + ")");
        }
    }

    /** Workers for one device when {@code tagger.workers} is not set. */
    public int workersFor(boolean gpu) {
        if (workers != null) {
            return workers;
        }
        if (gpu) {
            return 1;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int perWorker = threads.intraOp() > 0 ? threads.intraOp() : cores;
        return Math.max(1, cores / perWorker);
    }

    /**
     * @param intraOp threads inside one op. 1 (the default) with one worker per core keeps every core
     *                busy without OpenMP barriers, which stall badly when cores are shared; 0 leaves
     *                PyTorch's default (all cores)
     * @param interOp threads across ops
     */
    public record Threads(Integer intraOp, Integer interOp) {
        public Threads {
            intraOp = intraOp == null ? 1 : intraOp;
            interOp = interOp == null ? 1 : interOp;
        }
    }

    /**
     * @param dir       a bundle directory to serve; empty serves the built-in default model
     * @param maxTokens overrides the bundle's token limit (texts longer are truncated, not rejected)
     */
    public record Model(Path dir, Integer maxTokens) {
    }

    /** @param dir writable directory for models, jobs and datasets */
    public record Store(Path dir) {
        public Store {
            dir = dir == null ? Path.of("data") : dir;
        }
    }

    /**
     * @param maxTexts     texts per request
     * @param maxBodyBytes request body size
     * @param maxTextChars characters (code points) of one text on /classify; a longer text gets 422
     * @param maxWindows   windows one text may take with long_text=chunk; a text needing more gets 422
     * @param maxStreams   event streams (training and bulk jobs) open at once; beyond it a new one gets 429
     * @param streamBuffer events waiting for one slow stream client; when full its oldest progress event is dropped
     */
    public record Api(Integer maxTexts, DataSize maxBodyBytes, Integer maxTextChars, Integer maxWindows,
                      Integer maxStreams, Integer streamBuffer) {
        public Api {
            maxTexts = maxTexts == null ? 64 : maxTexts;
            maxBodyBytes = maxBodyBytes == null ? DataSize.ofMegabytes(2) : maxBodyBytes;
            maxTextChars = maxTextChars == null ? 20_000 : maxTextChars;
            maxWindows = maxWindows == null ? 16 : maxWindows;
            maxStreams = maxStreams == null ? 256 : maxStreams;
            streamBuffer = streamBuffer == null ? 64 : streamBuffer;
            if (maxTextChars < 1 || maxWindows < 1) {
                throw new IllegalArgumentException("tagger.api.max-text-chars and tagger.api.max-windows must be positive");
            }
            if (maxStreams < 1 || streamBuffer < 2) {
                // One slot for the job as it is and one for its final state: less could not end a stream properly.
                throw new IllegalArgumentException("tagger.api.max-streams must be positive and tagger.api.stream-buffer "
                        + "at least 2");
            }
        }
    }

    /**
     * @param maxBatchSize   texts per batch
     * @param maxBatchTokens tokens the encoder computes per batch: the texts' own tokens for the packed encoder,
     *                       batch size x longest text for a TorchScript module (which pads); a longer text runs alone
     * @param maxWait        how long a worker waits for more texts before running a partial batch (0: never)
     * @param queueCapacity  texts (or windows of chunked texts) waiting at most; beyond it requests get 429
     * @param requestTimeout a request still unanswered after this gets 503; a request that the queue's measured
     *                       throughput predicts would miss it gets 429 at once
     */
    public record Batching(Integer maxBatchSize, Integer maxBatchTokens, Duration maxWait, Integer queueCapacity,
                           Duration requestTimeout) {
        public Batching {
            maxBatchSize = maxBatchSize == null ? 32 : maxBatchSize;
            maxBatchTokens = maxBatchTokens == null ? 4096 : maxBatchTokens;
            maxWait = maxWait == null ? Duration.ZERO : maxWait;
            queueCapacity = queueCapacity == null ? 1024 : queueCapacity;
            requestTimeout = requestTimeout == null ? Duration.ofSeconds(30) : requestTimeout;
        }
    }

    /**
     * @param maxBytes     size of one upload; larger uploads get 413
     * @param maxRows      data rows of one upload
     * @param maxTextChars characters of one text (a longer text is a row error)
     * @param maxLabels    distinct labels of one upload
     */
    public record Datasets(DataSize maxBytes, Long maxRows, Integer maxTextChars, Integer maxLabels) {
        public Datasets {
            maxBytes = maxBytes == null ? DataSize.ofMegabytes(100) : maxBytes;
            maxRows = maxRows == null ? 1_000_000L : maxRows;
            maxTextChars = maxTextChars == null ? 10_000 : maxTextChars;
            maxLabels = maxLabels == null ? 1_000 : maxLabels;
        }
    }

    /**
     * @param threads           PyTorch threads of the training thread (serving keeps {@code tagger.threads})
     * @param queueCapacity     jobs waiting to run at most; beyond it a new job gets 429
     * @param maxInlineExamples examples a job may carry in its body (larger data: upload a dataset)
     * @param maxBatchTokens    padded tokens per batch when encoding texts for head training and evaluation
     * @param eventsTimeout     how long a progress event stream stays open
     */
    public record Training(Integer threads, Integer queueCapacity, Integer maxInlineExamples, Integer maxBatchTokens,
                           Duration eventsTimeout) {
        public Training {
            threads = threads == null ? 1 : threads;
            queueCapacity = queueCapacity == null ? 16 : queueCapacity;
            maxInlineExamples = maxInlineExamples == null ? 5_000 : maxInlineExamples;
            maxBatchTokens = maxBatchTokens == null ? 2048 : maxBatchTokens;
            eventsTimeout = eventsTimeout == null ? Duration.ofHours(1) : eventsTimeout;
            if (threads < 1 || queueCapacity < 1 || maxInlineExamples < 1 || maxBatchTokens < 1) {
                throw new IllegalArgumentException("tagger.training.* values must be positive");
            }
        }
    }

    /**
     * @param maxUploadBytes   size of one uploaded model archive (POST /models); larger uploads get 413
     * @param maxUnpackedBytes bytes an archive may unpack to; beyond it the upload is refused with 422
     * @param maxEntries       files and folders an archive may hold
     * @param importRoot       the only server folder POST /models may register from by path (its real path: no
     *                         symlink out); unset, registering from a path is off
     * @param allowTorchscript whether TorchScript models may be registered: their module is code the service runs
     *                         (default false)
     */
    public record Models(DataSize maxUploadBytes, DataSize maxUnpackedBytes, Integer maxEntries, Path importRoot,
                         Boolean allowTorchscript) {
        public Models {
            maxUploadBytes = maxUploadBytes == null ? DataSize.ofGigabytes(2) : maxUploadBytes;
            maxUnpackedBytes = maxUnpackedBytes == null ? DataSize.ofGigabytes(4) : maxUnpackedBytes;
            maxEntries = maxEntries == null ? 100 : maxEntries;
            allowTorchscript = allowTorchscript != null && allowTorchscript;
            importRoot = importRoot == null || importRoot.toString().isBlank() ? null : importRoot;
            if (maxUploadBytes.toBytes() < 1 || maxUnpackedBytes.toBytes() < 1 || maxEntries < 1) {
                throw new IllegalArgumentException("tagger.models.* values must be positive");
            }
        }
    }
}
