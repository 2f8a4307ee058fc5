package dev.tagger.bench;

import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load generator: N closed-loop clients on a fixed thread pool, each sending one text per
 * POST /classify and waiting for the answer before sending the next: by default over a keep-alive
 * socket of its own ({@link PlainHttp}), or with the JDK's {@link HttpClient}. Every request's
 * latency is recorded; statuses are counted.
 */
final class LoadClient {

    /** How /classify requests travel: a blocking keep-alive socket per client, or the JDK's HttpClient. */
    enum Transport {
        PLAIN, JDK;

        static Transport of(String name) {
            return switch (name) {
                case "plain" -> PLAIN;
                case "jdk" -> JDK;
                default -> throw new IllegalArgumentException("--http-client is plain or jdk, not " + name);
            };
        }
    }

    /** The next text index to send, or -1 when there is nothing left. */
    interface Next {
        int next();
    }

    /** Sees every 200 answer (on the client thread that got it). */
    interface Sink {
        void accept(int index, byte[] body);
    }

    /**
     * What a closed-loop run saw in its measurement window.
     *
     * @param statuses HTTP status counts ("io" for transport errors)
     * @param ok       latencies of 200 answers, nanoseconds
     * @param rejected latencies of 429 answers, nanoseconds
     * @param server   mean of the service's own timing headers over the 200 answers, milliseconds
     */
    record Outcome(Map<String, Long> statuses, LongList ok, LongList rejected, double seconds,
                   BenchResults.ServerTime server) {

        long count(String status) {
            return statuses.getOrDefault(status, 0L);
        }
    }

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http;
    private final URI base;
    private final URI classify;
    private final byte[][] bodies;
    private final List<String> labels;

    private final Transport transport;

    LoadClient(String url, List<String> texts, List<String> labels) {
        this(url, texts, labels, Transport.PLAIN);
    }

    LoadClient(String url, List<String> texts, List<String> labels, Transport transport) {
        this.transport = transport;
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.classify = base.resolve("classify");
        this.labels = labels;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.bodies = new byte[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            bodies[i] = BenchResults.JSON.writeValueAsBytes(Map.of("text", texts.get(i)));
        }
    }

    int texts() {
        return bodies.length;
    }

    /**
     * Runs {@code clients} closed loops until {@code next} runs dry or the window closes. Requests
     * that finish during the first {@code warmNanos} are not counted; after {@code warmNanos +
     * measureNanos} no new request starts and answers that come later are not counted either
     * (unless {@code countLate}: then every request that started in the window is counted).
     */
    Outcome closedLoop(int clients, Next next, long warmNanos, long measureNanos, long backoffMs, Sink sink)
            throws InterruptedException {
        return closedLoop(clients, next, warmNanos, measureNanos, backoffMs, sink, false);
    }

    Outcome closedLoop(int clients, Next next, long warmNanos, long measureNanos, long backoffMs, Sink sink,
                       boolean countLate) throws InterruptedException {
        long start = System.nanoTime();
        long from = start + warmNanos;
        long until = measureNanos == Long.MAX_VALUE ? Long.MAX_VALUE : from + measureNanos;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<Local>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> loop(next, from, until, backoffMs, sink, countLate)));
        }
        pool.shutdown();
        Map<String, Long> statuses = new TreeMap<>();
        LongList ok = new LongList();
        LongList rejected = new LongList();
        double[] server = new double[3];
        for (Future<Local> f : futures) {
            Local l;
            try {
                l = f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("a load client failed", e.getCause());
            }
            l.statuses.forEach((k, v) -> statuses.merge(k, v, Long::sum));
            ok.addAll(l.ok);
            rejected.addAll(l.rejected);
            for (int k = 0; k < 3; k++) {
                server[k] += l.server[k];
            }
        }
        long end = System.nanoTime();
        double seconds = until == Long.MAX_VALUE ? (end - from) / 1e9 : measureNanos / 1e9;
        int n = Math.max(1, ok.size());
        return new Outcome(statuses, ok, rejected, seconds,
                new BenchResults.ServerTime(server[0] / n, server[1] / n, server[2] / n));
    }

    private static final class Local {
        final Map<String, Long> statuses = new TreeMap<>();
        final LongList ok = new LongList();
        final LongList rejected = new LongList();
        /** Sums of x-total-time, x-queue-time and x-inference-time (ms) of the counted 200 answers. */
        final double[] server = new double[3];
    }

    private static final String[] TIMING_HEADERS = {"x-total-time", "x-queue-time", "x-inference-time"};

    private Local loop(Next next, long from, long until, long backoffMs, Sink sink, boolean countLate)
            throws InterruptedException {
        Local l = new Local();
        try (PlainHttp conn = transport == Transport.PLAIN
                ? new PlainHttp(base, (int) REQUEST_TIMEOUT.toMillis()) : null) {
            while (System.nanoTime() < until) {
                int i = next.next();
                if (i < 0) {
                    break;
                }
                long t0 = System.nanoTime();
                Answer r = send(conn, bodies[i]);
                long t1 = System.nanoTime();
                int status = r == null ? -1 : r.status();
                boolean counted = countLate ? t0 >= from && t0 < until : t1 >= from && t1 <= until;
                if (counted) {
                    l.statuses.merge(status < 0 ? "io" : Integer.toString(status), 1L, Long::sum);
                    if (status == 200) {
                        l.ok.add(t1 - t0);
                        for (int k = 0; k < TIMING_HEADERS.length; k++) {
                            String v = r.header(TIMING_HEADERS[k]);
                            l.server[k] += v == null ? 0.0 : Double.parseDouble(v);
                        }
                    } else if (status == 429) {
                        l.rejected.add(t1 - t0);
                    }
                }
                if (status == 200 && sink != null) {
                    sink.accept(i, r.body());
                } else if (status == 429 && backoffMs > 0) {
                    Thread.sleep(backoffMs);
                } else if (status < 0) {
                    Thread.sleep(10);
                }
            }
        }
        return l;
    }

    /** An answer from either transport; header names lower-case. */
    private record Answer(int status, java.util.function.Function<String, String> headers, byte[] body) {

        String header(String name) {
            return headers.apply(name);
        }
    }

    /** One POST /classify; null on a transport error. */
    private Answer send(PlainHttp conn, byte[] body) throws InterruptedException {
        try {
            if (conn != null) {
                PlainHttp.Response r = conn.post(classify.getRawPath(), "application/json", body);
                return new Answer(r.status(), r::header, r.body());
            }
            HttpRequest req = HttpRequest.newBuilder(classify).timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), name -> r.headers().firstValue(name).orElse(null), r.body());
        } catch (IOException e) {
            return null;
        }
    }

    /** A closed loop that cycles through all texts in file order, starting at the first. */
    Next cycling() {
        AtomicLong counter = new AtomicLong();
        return () -> (int) (counter.getAndIncrement() % bodies.length);
    }

    /** Each of {@code indexes} once. */
    static Next once(List<Integer> indexes) {
        AtomicInteger counter = new AtomicInteger();
        return () -> {
            int k = counter.getAndIncrement();
            return k < indexes.size() ? indexes.get(k) : -1;
        };
    }

    /** The probabilities of a one-text answer, in label order. */
    float[] probabilities(byte[] body) {
        JsonNode scores = BenchResults.JSON.readTree(body).path("results").path(0).path("scores");
        float[] p = new float[labels.size()];
        for (int j = 0; j < p.length; j++) {
            JsonNode v = scores.get(labels.get(j));
            if (v == null || !v.isNumber()) {
                throw new IllegalStateException("the answer has no score for '" + labels.get(j) + "': "
                        + new String(body, java.nio.charset.StandardCharsets.UTF_8));
            }
            p[j] = v.floatValue();
        }
        return p;
    }

    int get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Texts per batch the service ran so far: {sum, count} of tagger_batch_size. */
    double[] batchSizeTotals() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("actuator/prometheus"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        double sum = 0;
        double count = 0;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("tagger_batch_size_sum")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("tagger_batch_size_count")) {
                count += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return new double[] {sum, count};
    }

    // ---------------------------------------------------------------- the "load" command

    /**
     * {@code load --url U --pid P --dev FILE --out FILE [--levels 1,4,16,64] [--seconds S]
     * [--level-warmup-ms 1000] [--warmup 32] [--warmup-seconds 60] [--sample 200] [--http-client plain|jdk]}
     */
    static void loadCommand(BenchArgs a) throws Exception {
        List<String> texts = DevTexts.read(Path.of(a.string("dev")));
        BundleFiles bundle = BundleFiles.load(a.string("bundle", BundleFiles.DEFAULT));
        LoadClient client = new LoadClient(a.string("url"), texts, bundle.labels(),
                Transport.of(a.string("http-client", "plain")));
        String pid = a.string("pid");
        double seconds = a.number("seconds", 30);
        long levelWarm = (long) (a.number("level-warmup-ms", 1000) * 1e6);
        List<Integer> sample = DevTexts.sample(texts.size(), a.integer("sample", 200));
        boolean[] inSample = new boolean[texts.size()];
        sample.forEach(i -> inSample[i] = true);

        long hwmBefore = ProcStatus.of(pid).hwmKb();
        int warmup = a.integer("warmup", 32);
        Outcome w = client.closedLoop(4, once(new ArrayList<>(sample.subList(0, Math.min(warmup, sample.size())))),
                0, Long.MAX_VALUE, 0, null);
        OrtPeer.log("warm-up: %s", w.statuses());
        // The JVM's JIT compiles the request path only after thousands of requests; until then the compiler threads
        // take CPU from the two cores the levels measure. A server is measured warm, as the ORT peers are.
        double warmSeconds = a.number("warmup-seconds", 60);
        if (warmSeconds > 0) {
            Outcome jit = client.closedLoop(16, client.cycling(), 0, (long) (warmSeconds * 1e9), 0, null);
            OrtPeer.log("warm-up, %.0f s at c=16: %s", warmSeconds, jit.statuses());
        }

        List<BenchResults.Capture> captures = Collections.synchronizedList(new ArrayList<>());
        List<BenchResults.Level> levels = new ArrayList<>();
        for (int c : a.integers("levels", "1,4,16,64")) {
            double[] before = client.batchSizeTotals();
            Sink sink = c < 4 ? null : (i, body) -> {
                if (inSample[i] && captures.size() < 2000) {
                    captures.add(new BenchResults.Capture(i, c, client.probabilities(body)));
                }
            };
            Outcome o = client.closedLoop(c, client.cycling(), levelWarm, (long) (seconds * 1e9), 0, sink);
            double[] after = client.batchSizeTotals();
            double meanBatch = after[1] > before[1] ? (after[0] - before[0]) / (after[1] - before[1]) : 0;
            ProcStatus mem = ProcStatus.of(pid);
            BenchResults.Level level = new BenchResults.Level(c, o.seconds(), o.statuses(), o.count("200") / o.seconds(),
                    o.ok().latency(), o.server(), meanBatch, mem.rssKb(), mem.hwmKb());
            OrtPeer.log("c=%d: %.1f texts/s, p50 %.1f ms, p99 %.1f ms, mean batch %.1f, %s", c,
                    level.textsPerSecond(), level.latency().p50(), level.latency().p99(), meanBatch, o.statuses());
            levels.add(level);
        }

        // Correctness: the sample at high concurrency (batched with each other), then each text alone.
        int c = Math.min(64, sample.size());
        double[] before = client.batchSizeTotals();
        Outcome batched = client.closedLoop(c, once(sample), 0, Long.MAX_VALUE, 0,
                (i, body) -> captures.add(new BenchResults.Capture(i, c, client.probabilities(body))));
        double[] after = client.batchSizeTotals();
        double sampleMeanBatch = after[1] > before[1] ? (after[0] - before[0]) / (after[1] - before[1]) : 0;
        float[][] alone = new float[texts.size()][];
        Outcome single = client.closedLoop(1, once(sample), 0, Long.MAX_VALUE, 0,
                (i, body) -> alone[i] = client.probabilities(body));
        OrtPeer.log("correctness sample: at c=%d %s (mean batch %.1f), alone %s", c, batched.statuses(),
                sampleMeanBatch, single.statuses());
        List<float[]> sampleAlone = new ArrayList<>();
        for (int i : sample) {
            if (alone[i] == null) {
                throw new IllegalStateException("sample text " + i + " got no 200 answer when sent alone");
            }
            sampleAlone.add(alone[i]);
        }
        BenchResults.write(Path.of(a.string("out")), new BenchResults.Load(a.string("url"), bundle.labels(), levels,
                sample, sampleAlone, new ArrayList<>(captures), sampleMeanBatch, hwmBefore));
    }

    // ---------------------------------------------------------------- the "overload" command

    /**
     * {@code overload --url U --pid P --dev FILE --out FILE [--clients 128] [--seconds 10]
     * [--queue-capacity N] [--backoff-ms 0] [--http-client plain|jdk]}: far more clients than the queue admits; a client that
     * gets 429 sends its next request after {@code backoff-ms} (0: at once, the harshest case).
     */
    static void overloadCommand(BenchArgs a) throws Exception {
        List<String> texts = DevTexts.read(Path.of(a.string("dev")));
        BundleFiles bundle = BundleFiles.load(a.string("bundle", BundleFiles.DEFAULT));
        LoadClient client = new LoadClient(a.string("url"), texts, bundle.labels(),
                Transport.of(a.string("http-client", "plain")));
        String pid = a.string("pid");
        int clients = a.integer("clients", 128);
        double seconds = a.number("seconds", 10);
        long backoff = a.integer("backoff-ms", 0);
        client.closedLoop(4, once(DevTexts.sample(texts.size(), 32)), 0, Long.MAX_VALUE, 0, null);
        ProcStatus before = ProcStatus.of(pid);
        Outcome o = client.closedLoop(clients, client.cycling(), 0, (long) (seconds * 1e9), backoff, null, true);
        ProcStatus after = ProcStatus.of(pid);
        Thread.sleep(1000);
        Outcome check = client.closedLoop(1, once(List.of(0)), 0, Long.MAX_VALUE, 0, null);
        boolean healthy = client.get("actuator/health/readiness") == 200 && check.count("200") == 1;
        OrtPeer.log("overload: %d clients, %s, admitted p99 %.1f ms, healthy after: %s", clients, o.statuses(),
                o.ok().latency().p99(), healthy);
        BenchResults.write(Path.of(a.string("out")), new BenchResults.Overload(clients, a.integer("queue-capacity", -1),
                o.seconds(), backoff, o.statuses(), o.ok().latency(), o.server(), o.rejected().latency(),
                o.count("200") / o.seconds(),
                before.rssKb(), before.hwmKb(), after.rssKb(), after.hwmKb(), healthy));
    }
}
