package dev.tagger.store.shared;

import dev.tagger.catalog.ModelCatalog;
import dev.tagger.catalog.ModelRepository;
import dev.tagger.catalog.Replicas;
import dev.tagger.config.Roles;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Keeps this replica in step with the others through the database:
 * <ul>
 *   <li>an API replica serves the version the shared pointer names: a deploy on any replica moves the pointer and
 *       sends {@code NOTIFY tagger_served}; this replica hears it on a connection of its own that LISTENs, and also
 *       reads the pointer every {@code poll-interval} in case a notification was missed (a dropped connection), then
 *       swaps the version in with the serving pool's zero-failure swap ({@link ModelCatalog#follow});</li>
 *   <li>every replica writes its heartbeat and what it serves, since when, to the {@code replicas} table, which
 *       {@link #list()} reads (GET /replicas).</li>
 * </ul>
 * Nothing here is on the classify path: while the database is down the replica keeps serving what it serves.
 */
public final class ReplicaSync implements SmartLifecycle, Replicas {

    private static final Logger log = LoggerFactory.getLogger(ReplicaSync.class);

    private final DataSource ds;
    private final ModelRepository models;
    private final ModelCatalog catalog;
    private final Roles roles;
    private final String id;
    private final String jdbcUrl;
    private final String username;
    private final String password;
    private final Duration interval;
    private final Instant startedAt = Instant.now();
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private Thread syncThread;
    private Thread listenThread;
    private String seenId;
    private String seenVersion;
    private Instant since;

    public ReplicaSync(DataSource ds, ModelRepository models, ModelCatalog catalog, Roles roles, String id,
                       SharedStoreProperties props) {
        this.ds = ds;
        this.models = models;
        this.catalog = catalog;
        this.roles = roles;
        this.id = id;
        this.jdbcUrl = props.jdbcUrl();
        this.username = props.username();
        this.password = props.password();
        this.interval = props.pollInterval();
    }

    public String id() {
        return id;
    }

    @Override
    public void start() {
        running = true;
        syncThread = new Thread(this::syncLoop, "replica-sync");
        syncThread.setDaemon(true);
        syncThread.start();
        if (roles.api()) {
            listenThread = new Thread(this::listenLoop, "replica-listen");
            listenThread.setDaemon(true);
            listenThread.start();
        }
    }

    private void syncLoop() {
        while (running) {
            try {
                syncOnce();
            } catch (RuntimeException e) {
                log.warn("cannot sync with the shared store: {}", e.toString());
            }
            try {
                wake.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Follows the pointer (API replicas), then reports this replica. */
    void syncOnce() {
        if (roles.api() && catalog.servedVersion() != null) {
            // Only once the first model is loaded: the pool's start serves the pointer's version itself.
            Optional<ModelRepository.ServedVersion> pointer = models.served();
            if (pointer.isPresent() && !pointer.get().id().equals(catalog.servingId())
                    || pointer.isPresent() && pointer.get().version() != null
                    && !pointer.get().version().equals(catalog.servedVersion())) {
                long t0 = System.nanoTime();
                catalog.follow(pointer.get().id(), pointer.get().version());
                log.info("now serving {} version {} as deployed at {} ({} ms to load and swap)", pointer.get().id(),
                        pointer.get().version(), pointer.get().deployedAt(), (System.nanoTime() - t0) / 1_000_000);
            }
        }
        heartbeat();
    }

    private synchronized void heartbeat() {
        String version = catalog.servedVersion();
        String modelId = version == null ? null : catalog.servingId();
        if (!Objects.equals(modelId, seenId) || !Objects.equals(version, seenVersion)) {
            seenId = modelId;
            seenVersion = version;
            since = version == null ? null : Instant.now();
        }
        Instant servingSince = since;
        Database.inTransaction(ds, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO replicas (id, roles, model_id, model_version, "
                    + "serving_since, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, now()) ON CONFLICT (id) DO "
                    + "UPDATE SET roles = excluded.roles, model_id = excluded.model_id, model_version = "
                    + "excluded.model_version, serving_since = excluded.serving_since, heartbeat_at = now()")) {
                s.setString(1, id);
                s.setString(2, roles.toString());
                s.setString(3, modelId);
                s.setString(4, version);
                s.setTimestamp(5, servingSince == null ? null : Timestamp.from(servingSince));
                s.setTimestamp(6, Timestamp.from(startedAt));
                s.executeUpdate();
            }
            return null;
        });
    }

    /** LISTENs on a connection outside the pool (a pooled one would be handed to others); reconnects on failure. */
    private void listenLoop() {
        while (running) {
            try (Connection c = DriverManager.getConnection(jdbcUrl, username, password)) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + PgModelRepository.CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                // Caught up after a reconnect: what was missed meanwhile is read now.
                wake.release();
                while (running) {
                    PGNotification[] heard = pg.getNotifications(1000);
                    if (heard != null && heard.length > 0) {
                        wake.release();
                    }
                }
            } catch (SQLException e) {
                log.debug("LISTEN connection lost ({}); polling until it is back", e.toString());
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    @Override
    public List<Replica> list() {
        // Alive: heard from within three poll intervals; listed: within an hour (older rows are left out).
        long aliveMillis = interval.toMillis() * 3;
        return Database.inTransaction(ds, c -> {
            List<Replica> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, roles, model_id, model_version, serving_since, "
                    + "started_at, heartbeat_at, heartbeat_at > now() - ? * interval '1 millisecond' FROM replicas "
                    + "WHERE heartbeat_at > now() - interval '1 hour' ORDER BY (id = ?) DESC, id")) {
                s.setLong(1, aliveMillis);
                s.setString(2, id);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        Timestamp since = r.getTimestamp(5);
                        out.add(new Replica(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                                since == null ? null : since.toInstant(), r.getTimestamp(6).toInstant(),
                                r.getTimestamp(7).toInstant(), r.getBoolean(8), id.equals(r.getString(1))));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void stop() {
        running = false;
        wake.release();
        for (Thread t : new Thread[] {syncThread, listenThread}) {
            if (t != null) {
                t.interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the predictor pool has started (it serves the first model), before it stops. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 3000;
    }
}
