package dev.tagger.store.shared;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real PostgreSQL for the tests: Debian's binaries ({@code /usr/lib/postgresql/<n>/bin}), a throw-away cluster in
 * a temporary folder on a free loopback port, one per test JVM, stopped when the JVM exits. initdb refuses to run as
 * root, and CI runs as root: then the cluster runs as the {@code postgres} user (through runuser). Each test class
 * gets a database of its own. Where PostgreSQL is not installed the tests skip, unless
 * {@code -Dci.requireTools=true} (tagger.require-tools) asks for them to fail instead.
 */
public final class PostgresServer {

    private static PostgresServer instance;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path bin;
    private final Path dataDir;
    private final int port;
    private final boolean asPostgres;
    private boolean stopped;

    private PostgresServer(Path bin, Path dataDir, int port, boolean asPostgres) {
        this.bin = bin;
        this.dataDir = dataDir;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /** The binaries of the newest PostgreSQL installed, or null. */
    static Path findBin() {
        File[] versions = new File("/usr/lib/postgresql").listFiles();
        if (versions == null) {
            return null;
        }
        return Arrays.stream(versions).map(f -> f.toPath().resolve("bin"))
                .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString()
                        .replaceAll("\\D", "0")))).orElse(null);
    }

    /** The running server, started on first use; skips (or fails under ci.requireTools) without PostgreSQL. */
    public static synchronized PostgresServer get() {
        if (instance == null) {
            instance = startNew();
        }
        return instance;
    }

    /** A server of the caller's own, which it may {@link #pause} and {@link #resume} without disturbing others. */
    public static PostgresServer startNew() {
        Path bin = findBin();
        if (Boolean.getBoolean("tagger.require-tools")) {
            assertThat(bin).as("PostgreSQL (Debian package 'postgresql', /usr/lib/postgresql/*/bin/initdb) is "
                    + "required").isNotNull();
        }
        if (bin == null) {
            System.out.println("[shared-store tests] PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb); "
                    + "skipping: apt-get install postgresql to run them");
        }
        assumeTrue(bin != null, "PostgreSQL is not installed; skipping the shared-store tests");
        try {
            return start(bin);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot start PostgreSQL from " + bin, e);
        }
    }

    private static PostgresServer start(Path bin) throws IOException, InterruptedException {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("tagger-pg-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path data = dir.resolve("data");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PostgresServer pg = new PostgresServer(bin, data, port, root);
        if (root) {
            run(List.of("chown", "postgres", dir.toString()), false);
        }
        pg.exec(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "tagger", "--auth=trust",
                "-E", "UTF8", "--no-sync"));
        // The socket goes into the cluster's own folder: /var/run/postgresql may not exist or be writable.
        pg.resume();
        Runtime.getRuntime().addShutdownHook(new Thread(pg::stop, "stop-test-postgres"));
        return pg;
    }

    /** Starts the (stopped) server again on the same port with the same data. */
    public void resume() throws IOException, InterruptedException {
        Path dir = dataDir.getParent();
        exec(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-w", "-t", "60", "-l",
                dir.resolve("log").toString(), "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 "
                        + "-c fsync=off -c max_connections=200", "start"));
    }

    /** Stops the server, keeping its data, as an outage would: every connection is cut. */
    public void pause() throws IOException, InterruptedException {
        exec(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "-w", "stop"));
    }

    /** Stops the server at once (as a crash would leave it: immediate mode). */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            exec(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "-w", "stop"));
        } catch (IOException | InterruptedException e) {
            // already stopped (paused by a test)
        }
        try {
            deleteTree(dataDir.getParent());
        } catch (IOException e) {
            System.err.println("cannot remove the test PostgreSQL's folder: " + e);
        }
    }

    /** A new, empty database; returns its JDBC URL. */
    public String newDatabase() {
        String name = "t" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), "tagger", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database", e);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private void exec(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full, true);
    }

    private static void run(List<String> command, boolean quiet) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        if (!quiet) {
            System.out.print(out);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
