import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The long-running serving checks of bench/serving-checks.sh, against a service it started on loopback: memory
 * under huge texts and many large requests, an open-loop overload at a multiple of the measured sustainable rate, and
 * deploys racing requests that time out and are cancelled. Each mode prints markdown table rows on stdout; progress
 * goes to stderr. Run as a single-file program: java -cp CLASSPATH bench/ServingChecks.java MODE --url URL ...
 */
public class ServingChecks {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newFixedThreadPool(8)).build();

    final Map<String, String> opts = new HashMap<>();
    final String url;
    final String pid;
    final List<String> texts;

    ServingChecks(String[] args) throws IOException {
        for (int i = 1; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        url = opts.get("url");
        pid = opts.get("pid");
        texts = devTexts(opts.get("dev"));
    }

    public static void main(String[] args) throws Exception {
        ServingChecks c = new ServingChecks(args);
        switch (args[0]) {
            case "memory" -> c.memory();
            case "overload" -> c.overload();
            case "race" -> c.race();
            default -> throw new IllegalArgumentException("mode: memory, overload or race");
        }
        System.exit(0);
    }

    // ------------------------------------------------------------------ shared

    static List<String> devTexts(String dev) throws IOException {
        List<String> out = new ArrayList<>();
        if (dev != null && Files.isRegularFile(Path.of(dev))) {
            for (String line : Files.readAllLines(Path.of(dev), StandardCharsets.UTF_8)) {
                String t = line.split("\t", -1)[0];
                if (!t.isBlank()) {
                    out.add(t);
                }
            }
        }
        if (out.isEmpty()) {
            out.addAll(List.of("I love this, thank you!", "This is the worst service I have ever had.",
                    "Why would anyone do that?", "Wow, congratulations on the new job!!", "I am so sorry for your loss."));
        }
        return out;
    }

    long arg(String name, long fallback) {
        return opts.containsKey(name) ? Long.parseLong(opts.get(name)) : fallback;
    }

    static void log(String s) {
        System.err.println("[serving-checks] " + s);
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(120));
        if (opts.containsKey("key")) {
            b.header("Authorization", "Bearer " + opts.get("key"));
        }
        return b;
    }

    CompletableFuture<HttpResponse<String>> classify(Object body) {
        return HTTP.sendAsync(request("/classify").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Current and peak resident memory of the service (MB), from /proc. */
    long[] rssMb() {
        long rss = -1;
        long hwm = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                } else if (line.startsWith("VmHWM:")) {
                    hwm = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException e) {
            return new long[] {-1, -1};
        }
        return new long[] {rss, hwm};
    }

    boolean alive() {
        return Files.exists(Path.of("/proc", pid));
    }

    /** Whether the service still answers: readiness UP and one short text classified. */
    String healthy() {
        try {
            int ready = get("/actuator/health/readiness").statusCode();
            int ok = classify(Map.of("text", "thank you so much")).get(30, TimeUnit.SECONDS).statusCode();
            return ready == 200 && ok == 200 ? "yes" : "no (readiness " + ready + ", classify " + ok + ")";
        } catch (Exception e) {
            return "no (" + e.getClass().getSimpleName() + ")";
        }
    }

    static String counts(Map<Integer, Integer> statuses) {
        List<String> parts = new ArrayList<>();
        new java.util.TreeMap<>(statuses).forEach((s, n) -> parts.add(n + " x " + (s == 0 ? "no answer" : s)));
        return String.join(", ", parts);
    }

    static double percentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Long> v = new ArrayList<>(values);
        Collections.sort(v);
        return v.get(Math.min(v.size() - 1, (int) Math.ceil(p * v.size()) - 1)) / 1e6;
    }

    /** Sends {@code bodies} all at once and waits; samples the service's RSS meanwhile. */
    String[] burst(String name, List<Object> bodies) throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!done.get()) {
                peak.accumulateAndGet(rssMb()[0], Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        long t0 = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (Object b : bodies) {
            futures.add(classify(b));
        }
        Map<Integer, Integer> statuses = new LinkedHashMap<>();
        for (CompletableFuture<HttpResponse<String>> f : futures) {
            int s;
            try {
                s = f.get(180, TimeUnit.SECONDS).statusCode();
            } catch (Exception e) {
                s = 0;
            }
            statuses.merge(s, 1, Integer::sum);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        done.set(true);
        sampler.join();
        log(name + ": " + counts(statuses) + String.format(Locale.ROOT, " in %.1f s, RSS peak %d MB", seconds, peak.get()));
        return new String[] {name, counts(statuses), String.format(Locale.ROOT, "%.1f s", seconds),
                peak.get() + " MB", alive() ? "yes" : "NO"};
    }

    static String row(String... cells) {
        return "| " + String.join(" | ", cells) + " |";
    }

    // ------------------------------------------------------------------ memory

    /** A text of about {@code chars} characters made of dev texts. */
    String longText(int chars, int seed) {
        StringBuilder b = new StringBuilder(chars + 200);
        Random r = new Random(seed);
        while (b.length() < chars) {
            b.append(texts.get(r.nextInt(texts.size()))).append(' ');
        }
        b.setLength(chars);
        return b.toString().strip();
    }

    void memory() throws Exception {
        int huge = (int) arg("huge-chars", 2_000_000);
        int hugeCount = (int) arg("huge-requests", 16);
        List<Object> hugeBodies = new ArrayList<>();
        for (int i = 0; i < hugeCount; i++) {
            hugeBodies.add(Map.of("text", longText(huge, i)));
        }
        String label = opts.getOrDefault("label", "");
        String[] a = burst(hugeCount + " concurrent texts of " + huge / 1_000_000.0 + "M chars" + label, hugeBodies);
        System.out.println(row(a));
        if (opts.containsKey("only-huge")) {
            System.out.println(row("still answering" + label, healthy(), "", rssMb()[1] + " MB (VmHWM)", alive() ? "yes" : "NO"));
            return;
        }
        int textChars = (int) arg("text-chars", 20_000);
        List<Object> big = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            List<String> t = new ArrayList<>();
            for (int k = 0; k < 64; k++) {
                t.add(longText(textChars, i * 64 + k));
            }
            big.add(Map.of("texts", t));
        }
        System.out.println(row(burst("64 concurrent requests of 64 texts x " + textChars + " chars", big)));
        List<Object> chunked = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            List<String> t = new ArrayList<>();
            for (int k = 0; k < 64; k++) {
                t.add(longText(6_000, 10_000 + i * 64 + k));
            }
            chunked.add(Map.of("texts", t, "long_text", "chunk"));
        }
        System.out.println(row(burst("64 concurrent requests of 64 texts x 6000 chars, long_text=chunk", chunked)));
        System.out.println(row("still answering", healthy(), "", rssMb()[1] + " MB (VmHWM)", alive() ? "yes" : "NO"));
    }

    // ------------------------------------------------------------------ overload

    /** One request of the mix: one text, or (1 in 10) 64 texts. */
    List<String> mixed(Random r) {
        int n = r.nextInt(10) == 0 ? 64 : 1;
        List<String> t = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            t.add(texts.get(r.nextInt(texts.size())));
        }
        return t;
    }

    void overload() throws Exception {
        long calibrate = arg("calibrate-seconds", 15);
        long seconds = arg("seconds", 60);
        double factor = Double.parseDouble(opts.getOrDefault("factor", "2"));
        String timeout = opts.getOrDefault("timeout", "?");
        // Sustainable rate: closed loop, 8 clients, the same mix.
        LongAdder answered = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        Map<Integer, Integer> calibration = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int c = 0; c < 8; c++) {
            int seed = c;
            pool.submit(() -> {
                Random r = new Random(seed);
                while (!stop.get()) {
                    List<String> t = mixed(r);
                    int s;
                    try {
                        s = classify(Map.of("texts", t)).get(120, TimeUnit.SECONDS).statusCode();
                    } catch (Exception e) {
                        log("calibration request failed: " + e);
                        s = 0;
                    }
                    calibration.merge(s, 1, Integer::sum);
                    if (s == 200) {
                        answered.add(t.size());
                    } else if (s == 429) {
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            });
        }
        Thread.sleep(2_000);
        answered.reset();
        long t0 = System.nanoTime();
        Thread.sleep(calibrate * 1000);
        double sustainable = answered.sum() / ((System.nanoTime() - t0) / 1e9);
        stop.set(true);
        pool.shutdown();
        pool.awaitTermination(60, TimeUnit.SECONDS);
        log(String.format(Locale.ROOT, "sustainable: %.0f texts/s (closed loop, 8 clients: %s)", sustainable,
                counts(calibration)));
        if (sustainable < 1) {
            System.out.println(row("sustainable rate", "none measured: " + counts(calibration), "", "", ""));
            return;
        }

        // Open loop at factor x that rate: Poisson arrivals of the same mix.
        double meanTexts = 0.9 + 0.1 * 64;
        double perSecond = factor * sustainable / meanTexts;
        Random r = new Random(42);
        ConcurrentLinkedQueue<long[]> done = new ConcurrentLinkedQueue<>();
        AtomicInteger inFlight = new AtomicInteger();
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        AtomicLong peak = new AtomicLong();
        List<CompletableFuture<?>> all = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long next = start;
        int skipped = 0;
        long lastSample = 0;
        while (next < end) {
            long now = System.nanoTime();
            if (now < next) {
                Thread.sleep(Math.max(0, (next - now) / 1_000_000), (int) ((next - now) % 1_000_000));
                continue;
            }
            if (now - lastSample > 100_000_000L) {
                peak.accumulateAndGet(rssMb()[0], Math::max);
                lastSample = now;
            }
            next += (long) (-Math.log(1 - r.nextDouble()) / perSecond * 1e9);
            if (inFlight.get() >= 4_000) {
                skipped++;
                continue;
            }
            List<String> t = mixed(r);
            long sent = System.nanoTime();
            inFlight.incrementAndGet();
            all.add(classify(Map.of("texts", t)).handle((resp, error) -> {
                inFlight.decrementAndGet();
                int s = error != null ? 0 : resp.statusCode();
                statuses.merge(s, 1, Integer::sum);
                done.add(new long[] {s, t.size(), System.nanoTime() - sent});
                return null;
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
        List<Long> ok1 = new ArrayList<>();
        List<Long> ok64 = new ArrayList<>();
        long okTexts = 0;
        int server5xx = 0;
        for (long[] d : done) {
            if (d[0] == 200) {
                (d[1] == 1 ? ok1 : ok64).add(d[2]);
                okTexts += d[1];
            } else if (d[0] >= 500) {
                server5xx++;
            }
        }
        List<Long> okAll = new ArrayList<>(ok1);
        okAll.addAll(ok64);
        System.out.println(row("sustainable rate (closed loop, 8 clients, 10% of requests 64 texts)",
                String.format(Locale.ROOT, "%.0f texts/s", sustainable), "", "", ""));
        System.out.println(row(String.format(Locale.ROOT, "open loop at %.1fx for %d s (%.1f requests/s), request timeout %s",
                        factor, seconds, perSecond, timeout), counts(statuses) + (skipped > 0 ? ", " + skipped + " not sent" : ""),
                server5xx + " x 5xx", String.format(Locale.ROOT, "%.0f texts/s answered", okTexts / (double) seconds),
                peak.get() + " MB"));
        System.out.println(row("admitted latency (ms), p50 / p99 / max", String.format(Locale.ROOT,
                        "all %.0f / %.0f / %.0f", percentile(okAll, 0.5), percentile(okAll, 0.99), percentile(okAll, 1.0)),
                String.format(Locale.ROOT, "1 text %.0f / %.0f", percentile(ok1, 0.5), percentile(ok1, 0.99)),
                String.format(Locale.ROOT, "64 texts %.0f / %.0f", percentile(ok64, 0.5), percentile(ok64, 0.99)), ""));
        System.out.println(row("still answering", healthy(), "", rssMb()[1] + " MB (VmHWM)", alive() ? "yes" : "NO"));
    }

    // ------------------------------------------------------------------ race

    String trainSecondModel() throws Exception {
        String[] things = {"printer", "delivery", "laptop", "app", "service", "phone", "order", "website"};
        List<Map<String, Object>> examples = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            String thing = things[i % things.length];
            examples.add(switch (i % 3) {
                case 0 -> Map.of("text", "Thank you so much for the " + thing + "!", "labels", List.of("thanks"));
                case 1 -> Map.of("text", "The " + thing + " is broken again, I want a refund.", "labels", List.of("complaint"));
                default -> Map.of("text", "The " + thing + " arrived on Tuesday.", "labels", List.of());
            });
        }
        HttpResponse<String> r = post("/train-jobs", JSON.writeValueAsString(Map.of("name", "race check",
                "training_data", Map.of("examples", examples), "parameters", Map.of("train", "head", "epochs", 3),
                "deploy", "never")));
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("training job refused: " + r.statusCode() + " " + r.body());
        }
        String job = JSON.readTree(r.body()).get("id").asString();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        while (System.nanoTime() < deadline) {
            JsonNode j = JSON.readTree(get("/train-jobs/" + job).body());
            String status = j.path("status").asString("").toLowerCase(Locale.ROOT);
            if (status.equals("succeeded")) {
                return j.at("/result/model_id").asString();
            }
            if (status.equals("failed") || status.equals("cancelled")) {
                throw new IllegalStateException("training job " + status + ": " + j.path("error").asString(""));
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("training job did not finish in 10 minutes");
    }

    /** Deploys the model and returns its version with every probe text's scores, each classified alone. */
    Map<String, Map<String, Double>> reference(String model, List<String> probes, String[] version) throws Exception {
        HttpResponse<String> d = post("/models/" + model + "/deploy", "");
        if (d.statusCode() != 200) {
            throw new IllegalStateException("deploy " + model + ": " + d.statusCode() + " " + d.body());
        }
        Map<String, Map<String, Double>> out = new HashMap<>();
        for (String p : probes) {
            HttpResponse<String> r = classify(Map.of("text", p)).get(60, TimeUnit.SECONDS);
            version[0] = r.headers().firstValue("x-model-version").orElseThrow();
            out.put(p, scores(JSON.readTree(r.body()).at("/results/0/scores")));
        }
        return out;
    }

    static Map<String, Double> scores(JsonNode n) {
        Map<String, Double> m = new HashMap<>();
        n.properties().forEach(e -> m.put(e.getKey(), e.getValue().asDouble()));
        return m;
    }

    void race() throws Exception {
        long seconds = arg("seconds", 120);
        long deployMs = arg("deploy-ms", 200);
        String first = opts.getOrDefault("model", "goemotions-minilm");
        log("training a second model to deploy against " + first);
        String second = trainSecondModel();
        List<String> probes = new ArrayList<>(texts.subList(0, Math.min(24, texts.size())));
        String[] va = new String[1];
        String[] vb = new String[1];
        Map<String, Map<String, Double>> refB = reference(second, probes, vb);
        Map<String, Map<String, Double>> refA = reference(first, probes, va);
        Map<String, Map<String, Map<String, Double>>> refs = Map.of(va[0], refA, vb[0], refB);
        log("models " + first + "@" + va[0] + " and " + second + "@" + vb[0] + "; racing for " + seconds + " s");

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger deploys = new AtomicInteger();
        Map<Integer, Integer> deployStatuses = new ConcurrentHashMap<>();
        Thread deployer = new Thread(() -> {
            boolean toSecond = true;
            while (!stop.get()) {
                long t0 = System.nanoTime();
                try {
                    int s = post("/models/" + (toSecond ? second : first) + "/deploy", "").statusCode();
                    deployStatuses.merge(s, 1, Integer::sum);
                    deploys.incrementAndGet();
                } catch (Exception e) {
                    deployStatuses.merge(0, 1, Integer::sum);
                }
                toSecond = !toSecond;
                long left = deployMs - (System.nanoTime() - t0) / 1_000_000;
                if (left > 0) {
                    try {
                        Thread.sleep(left);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        LongAdder cancelled = new LongAdder();
        LongAdder checked = new LongAdder();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        for (int c = 0; c < 8; c++) {
            int seed = c;
            clients.submit(() -> {
                Random r = new Random(seed);
                while (!stop.get()) {
                    List<String> t = new ArrayList<>();
                    for (int i = 1 + r.nextInt(4); i > 0; i--) {
                        t.add(probes.get(r.nextInt(probes.size())));
                    }
                    CompletableFuture<HttpResponse<String>> f = classify(Map.of("texts", t));
                    try {
                        if (r.nextInt(10) < 3) {
                            Thread.sleep(r.nextInt(100));
                            if (f.cancel(true)) {
                                cancelled.increment();
                                continue;
                            }
                        }
                        HttpResponse<String> resp = f.get(120, TimeUnit.SECONDS);
                        statuses.merge(resp.statusCode(), 1, Integer::sum);
                        if (resp.statusCode() == 200) {
                            String v = resp.headers().firstValue("x-model-version").orElse("?");
                            Map<String, Map<String, Double>> ref = refs.get(v);
                            JsonNode results = JSON.readTree(resp.body()).get("results");
                            for (int i = 0; i < t.size(); i++) {
                                Map<String, Double> got = scores(results.get(i).get("scores"));
                                Map<String, Double> want = ref == null ? null : ref.get(t.get(i));
                                boolean same = want != null && got.keySet().equals(want.keySet());
                                for (Map.Entry<String, Double> e : got.entrySet()) {
                                    same &= want != null && Math.abs(e.getValue() - want.getOrDefault(e.getKey(), -1.0)) < 1e-4;
                                }
                                checked.increment();
                                if (!same) {
                                    wrong.add("version " + v + " text " + t.get(i));
                                }
                            }
                        }
                    } catch (Exception e) {
                        statuses.merge(0, 1, Integer::sum);
                    }
                }
            });
        }
        deployer.start();
        long peak = 0;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end && alive()) {
            peak = Math.max(peak, rssMb()[0]);
            Thread.sleep(200);
        }
        stop.set(true);
        deployer.join(120_000);
        clients.shutdown();
        clients.awaitTermination(120, TimeUnit.SECONDS);
        System.out.println(row("deploys, alternating " + first + " / " + second + " every " + deployMs + " ms for "
                + seconds + " s", deploys.get() + " (" + counts(deployStatuses) + ")", "", peak + " MB", alive() ? "yes" : "NO"));
        System.out.println(row("requests of 1-4 texts from 8 clients, 30% cancelled within 100 ms",
                counts(statuses) + ", " + cancelled.sum() + " cancelled by the client", "", "", ""));
        System.out.println(row("texts checked against the answering model's own scores", checked.sum() + " checked, "
                + wrong.size() + " computed by another model" + (wrong.isEmpty() ? "" : " (e.g. " + wrong.peek() + ")"),
                "", "", ""));
        System.out.println(row("still answering", healthy(), "", rssMb()[1] + " MB (VmHWM)", alive() ? "yes" : "NO"));
    }
}
