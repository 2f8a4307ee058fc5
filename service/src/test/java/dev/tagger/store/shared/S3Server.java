package dev.tagger.store.shared;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;

/**
 * A real S3-compatible server for the tests: S3Proxy from Maven Central with its filesystem backend, copied to
 * {@code target/s3proxy/s3proxy.jar} by the build and run as a process of its own (its Jetty stays off the
 * service's classpath), one per test JVM, on a free loopback port, stopped when the JVM exits.
 */
public final class S3Server {

    public static final String ACCESS_KEY = "tagger-test";
    public static final String SECRET_KEY = "tagger-test-secret";

    private static S3Server instance;

    private final Process process;
    private final String endpoint;

    private S3Server(Process process, String endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static synchronized S3Server get() {
        if (instance == null) {
            try {
                instance = start();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("cannot start S3Proxy", e);
            }
        }
        return instance;
    }

    private static S3Server start() throws IOException, InterruptedException {
        Path jar = Path.of("target", "s3proxy", "s3proxy.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the build copies it (mvn generate-test-resources)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("tagger-s3-");
        Path data = Files.createDirectories(dir.resolve("data"));
        String endpoint = "http://127.0.0.1:" + port;
        Path props = dir.resolve("s3proxy.properties");
        Files.writeString(props, String.join("\n",
                "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + data, ""));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx256m", "-jar", jar.toString(), "--properties",
                props.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        S3Server server = new S3Server(p, endpoint);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            p.destroy();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
                try (var paths = Files.walk(dir)) {
                    for (Path f : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(f);
                    }
                }
            } catch (IOException | InterruptedException e) {
                System.err.println("cannot clean up S3Proxy: " + e);
            }
        }, "stop-test-s3"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("S3Proxy exited: " + Files.readString(dir.resolve("log")));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "/").toURL().openConnection();
                c.setConnectTimeout(500);
                c.getResponseCode();
                return server;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        p.destroy();
        throw new IOException("S3Proxy did not start within 60 s");
    }

    public String endpoint() {
        return endpoint;
    }

    public boolean isAlive() {
        return process.isAlive();
    }
}
