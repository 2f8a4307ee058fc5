package dev.tagger.store.shared;

import com.zaxxer.hikari.HikariDataSource;

import java.nio.file.Path;
import java.util.UUID;

/** A fresh database on the test PostgreSQL and a fresh bucket on the test S3 server, for one test. */
final class SharedStores {

    private SharedStores() {
    }

    static HikariDataSource database() {
        return Database.open(PostgresServer.get().newDatabase(), "tagger", "", 4);
    }

    static SharedStoreProperties.S3 s3(String bucket) {
        return new SharedStoreProperties.S3(S3Server.get().endpoint(), "us-east-1", bucket, S3Server.ACCESS_KEY,
                S3Server.SECRET_KEY, true);
    }

    /** A new bucket, seen through a cache folder of its own (one replica). */
    static S3Blobs blobs(Path cacheDir) {
        S3Blobs b = new S3Blobs(s3("t-" + UUID.randomUUID().toString().substring(0, 8)), cacheDir);
        b.ensureBucket();
        return b;
    }
}
