package dev.tagger.store.shared;

import dev.tagger.io.AtomicFiles;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The shared store's object storage: any S3-compatible server (endpoint override, path-style access), and this
 * replica's cache of what it downloaded, kept by content digest: objects never change once written, so a cached
 * copy is good for as long as it exists, and the database names the digest to look for.
 */
public final class S3Blobs implements AutoCloseable {

    private final S3Client s3;
    private final String bucket;
    private final Path cache;
    private final Path tmp;

    public S3Blobs(SharedStoreProperties.S3 settings, Path cacheDir) {
        S3ClientBuilder b = S3Client.builder().httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(settings.region())).forcePathStyle(settings.pathStyle())
                // Checksums only where S3 requires them: many S3-compatible servers refuse the newer trailing ones.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(credentials(settings));
        if (settings.endpoint() != null && !settings.endpoint().isBlank()) {
            b.endpointOverride(URI.create(settings.endpoint()));
        }
        this.s3 = b.build();
        this.bucket = settings.bucket();
        Path root = cacheDir.toAbsolutePath().normalize();
        this.cache = root.resolve("objects");
        this.tmp = root.resolve("tmp");
        try {
            Files.createDirectories(cache);
            Files.createDirectories(tmp);
            AtomicFiles.deleteRecursively(tmp);
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the object cache under " + root, e);
        }
    }

    private static AwsCredentialsProvider credentials(SharedStoreProperties.S3 s) {
        return s.accessKey() == null || s.accessKey().isBlank() ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(s.accessKey(), s.secretKey()));
    }

    /** Creates the bucket unless it exists. */
    public void ensureBucket() {
        call(() -> {
            try {
                s3.headBucket(r -> r.bucket(bucket));
            } catch (S3Exception e) {
                if (e.statusCode() != 404) {
                    throw e;
                }
                try {
                    s3.createBucket(r -> r.bucket(bucket));
                } catch (BucketAlreadyOwnedByYouException raced) {
                    // another replica made it first
                }
            }
            return null;
        });
    }

    /** Stores a file under {@code key}. */
    public void put(String key, Path file) {
        call(() -> s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromFile(file)));
    }

    /**
     * A local copy of the object with this content digest, downloaded once and then read from the cache.
     *
     * @throws IOException when the object is gone, or its bytes do not have the digest
     */
    public Path fetch(String key, String digest) throws IOException {
        Path cached = cache.resolve(checkDigest(digest));
        if (Files.exists(cached)) {
            return cached;
        }
        Path part = tmp.resolve(UUID.randomUUID().toString());
        try {
            call(() -> s3.getObject(r -> r.bucket(bucket).key(key), ResponseTransformer.toFile(part)));
        } catch (NoSuchKeyException e) {
            throw new IOException("object " + key + " is missing from bucket " + bucket, e);
        }
        String actual = digest(part);
        if (!actual.equals(digest)) {
            Files.deleteIfExists(part);
            throw new IOException("object " + key + " has digest " + actual + ", expected " + digest);
        }
        adopt(part, digest);
        return cached;
    }

    /** Moves a local file whose digest is known into the cache (so the replica that uploaded never downloads it). */
    public void adopt(Path file, String digest) throws IOException {
        try {
            AtomicFiles.move(file, cache.resolve(checkDigest(digest)));
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(file);
        }
    }

    /** Downloads an object to {@code target} (no cache). */
    public void download(String key, Path target) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        try {
            call(() -> s3.getObject(r -> r.bucket(bucket).key(key), ResponseTransformer.toFile(target)));
        } catch (NoSuchKeyException e) {
            throw new IOException("object " + key + " is missing from bucket " + bucket, e);
        }
    }

    /**
     * Where a model bundle lives in this replica's cache (it may not exist yet): by id and content version, since
     * the version covers the weights, thresholds and config but not the card.
     *
     * @param id an id the catalog has checked (no path separators)
     */
    public Path cachedBundle(String id, String version) {
        return cache.getParent().resolve("bundles").resolve(id).resolve(checkDigest(version));
    }

    public void delete(String key) {
        call(() -> s3.deleteObject(r -> r.bucket(bucket).key(key)));
    }

    /** Deletes every object under {@code prefix}. */
    public void deletePrefix(String prefix) {
        call(() -> {
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
                s3.deleteObject(r -> r.bucket(bucket).key(o.key()));
            }
            return null;
        });
    }

    /** A folder for temporary files next to the cache (same file system: moves into it are atomic). */
    public Path tempDir() throws IOException {
        return Files.createTempDirectory(tmp, "work-");
    }

    /** SHA-256 of a file's bytes, in hex. */
    public static String digest(Path file) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String checkDigest(String digest) {
        if (digest == null || !digest.matches("[0-9a-f]{12,128}")) {
            throw new IllegalArgumentException("not a content digest: " + digest);
        }
        return digest;
    }

    /** A server that cannot be reached is a store outage (503), not a bug; S3's own answers go through as they are. */
    private static <T> T call(Supplier<T> request) {
        try {
            return request.get();
        } catch (SdkClientException e) {
            throw new StoreUnavailableException(e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
