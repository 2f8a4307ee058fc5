package dev.tagger.security;

import dev.tagger.security.JsonTree.Raw;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import static dev.tagger.security.BadArchives.cat;
import static dev.tagger.security.JsonTree.arr;
import static dev.tagger.security.JsonTree.obj;
import static dev.tagger.security.JsonTree.raw;

/**
 * The bad requests of {@link AbuseApiTest}: every endpoint of the service, from one seed, so a failing run can be
 * repeated request for request. Each is meant to be refused; none is a valid training job, bulk job or model, and
 * none names the built-in model, so a run changes nothing a later test could see (the test removes what a request
 * created all the same, should one be accepted).
 */
final class AbuseRequests {

    /** Who may call an endpoint (SecurityConfig). */
    enum Role { OPEN, CLASSIFY, ADMIN }

    /** What the answer's status must be, beyond "a 4xx in problem+json or a 2xx". */
    enum Expect { ANY, UNAUTHORIZED, FORBIDDEN }

    /** An endpoint as the summary counts it: a method and a path template. */
    record Endpoint(String method, String path, Role role) {
        String name() {
            return method + " " + path;
        }
    }

    /**
     * One request, ready to send: by {@link java.net.http.HttpClient} ({@code request}) when it can carry it, else
     * as raw bytes. {@code transport}: a protocol-level oddity, which the container may refuse with 501 or 505;
     * {@code silent}: bytes that hold no HTTP/1.1 request at all (blank lines, an HTTP/0.9 line, the HTTP/2
     * preface), to which closing the connection is the answer.
     */
    record Abuse(String endpoint, String what, HttpRequest request, byte[] raw, boolean transport, boolean silent,
                 Expect expect) {
    }

    /** A request before it is built, kept so that the same request can go out again under another key. */
    private record Spec(Endpoint endpoint, String what, String method, String target, List<String[]> headers,
                        byte[] body, boolean chunked, String key, Expect expect) {

        Spec withKey(String k, Expect e, String why) {
            return new Spec(endpoint, what + " " + why, method, target, headers, body, chunked, k, e);
        }
    }

    static final Endpoint CLASSIFY = new Endpoint("POST", "/classify", Role.CLASSIFY);
    static final Endpoint MODELS_JSON = new Endpoint("POST", "/models (JSON)", Role.ADMIN);
    static final Endpoint MODELS_ARCHIVE = new Endpoint("POST", "/models (archive)", Role.ADMIN);
    static final Endpoint MODELS_MULTIPART = new Endpoint("POST", "/models (multipart)", Role.ADMIN);
    static final Endpoint MODELS = new Endpoint("GET", "/models", Role.CLASSIFY);
    static final Endpoint MODEL_CURRENT = new Endpoint("GET", "/models/current", Role.CLASSIFY);
    static final Endpoint MODEL = new Endpoint("GET", "/models/{id}", Role.CLASSIFY);
    static final Endpoint MODEL_DELETE = new Endpoint("DELETE", "/models/{id}", Role.ADMIN);
    static final Endpoint MODEL_DEPLOY = new Endpoint("POST", "/models/{id}/deploy", Role.ADMIN);
    static final Endpoint MODEL_EXPORT = new Endpoint("GET", "/models/{id}/export", Role.ADMIN);
    static final Endpoint DATASETS_MULTIPART = new Endpoint("POST", "/datasets (multipart)", Role.ADMIN);
    static final Endpoint DATASETS_RAW = new Endpoint("POST", "/datasets (raw body)", Role.ADMIN);
    static final Endpoint DATASETS = new Endpoint("GET", "/datasets", Role.ADMIN);
    static final Endpoint DATASET = new Endpoint("GET", "/datasets/{id}", Role.ADMIN);
    static final Endpoint DATASET_DELETE = new Endpoint("DELETE", "/datasets/{id}", Role.ADMIN);
    static final Endpoint TRAIN = new Endpoint("POST", "/train-jobs", Role.ADMIN);
    static final Endpoint TRAIN_PREVIEW = new Endpoint("POST", "/train-jobs/preview", Role.ADMIN);
    static final Endpoint TRAIN_LIST = new Endpoint("GET", "/train-jobs", Role.ADMIN);
    static final Endpoint TRAIN_JOB = new Endpoint("GET", "/train-jobs/{id}", Role.ADMIN);
    static final Endpoint TRAIN_CANCEL = new Endpoint("POST", "/train-jobs/{id}/cancel", Role.ADMIN);
    static final Endpoint TRAIN_EVENTS = new Endpoint("GET", "/train-jobs/{id}/events", Role.ADMIN);
    static final Endpoint BULK_JSON = new Endpoint("POST", "/classify-jobs (JSON)", Role.CLASSIFY);
    static final Endpoint BULK_MULTIPART = new Endpoint("POST", "/classify-jobs (multipart)", Role.CLASSIFY);
    static final Endpoint BULK_LIST = new Endpoint("GET", "/classify-jobs", Role.CLASSIFY);
    static final Endpoint BULK_JOB = new Endpoint("GET", "/classify-jobs/{id}", Role.CLASSIFY);
    static final Endpoint BULK_DELETE = new Endpoint("DELETE", "/classify-jobs/{id}", Role.CLASSIFY);
    static final Endpoint BULK_RESULTS = new Endpoint("GET", "/classify-jobs/{id}/results", Role.CLASSIFY);
    static final Endpoint BULK_CANCEL = new Endpoint("POST", "/classify-jobs/{id}/cancel", Role.CLASSIFY);
    static final Endpoint BULK_EVENTS = new Endpoint("GET", "/classify-jobs/{id}/events", Role.CLASSIFY);
    static final Endpoint SERVING = new Endpoint("GET", "/serving/summary", Role.CLASSIFY);
    static final Endpoint REPLICAS = new Endpoint("GET", "/replicas", Role.ADMIN);
    static final Endpoint HEALTH = new Endpoint("GET", "/actuator/health/**", Role.OPEN);
    static final Endpoint INFO = new Endpoint("GET", "/actuator/info", Role.OPEN);
    static final Endpoint PROMETHEUS = new Endpoint("GET", "/actuator/prometheus", Role.OPEN);
    static final Endpoint METRICS = new Endpoint("GET", "/actuator/metrics/**", Role.ADMIN);
    static final Endpoint ACTUATOR = new Endpoint("*", "/actuator/** (other)", Role.ADMIN);
    static final Endpoint DOCS = new Endpoint("GET", "/v3/api-docs, /swagger-ui, /console", Role.OPEN);
    static final Endpoint UNKNOWN = new Endpoint("*", "(no such path)", Role.CLASSIFY);
    static final Endpoint TRANSPORT = new Endpoint("RAW", "(HTTP transport)", Role.OPEN);

    /** The endpoints that take a path id, with the path to put it in. */
    private static final List<Object[]> ID_ENDPOINTS = List.of(
            new Object[] {MODEL, "/models/%s"}, new Object[] {MODEL_DELETE, "/models/%s"},
            new Object[] {MODEL_DEPLOY, "/models/%s/deploy"}, new Object[] {MODEL_EXPORT, "/models/%s/export"},
            new Object[] {DATASET, "/datasets/%s"}, new Object[] {DATASET_DELETE, "/datasets/%s"},
            new Object[] {TRAIN_JOB, "/train-jobs/%s"}, new Object[] {TRAIN_CANCEL, "/train-jobs/%s/cancel"},
            new Object[] {TRAIN_EVENTS, "/train-jobs/%s/events"}, new Object[] {BULK_JOB, "/classify-jobs/%s"},
            new Object[] {BULK_DELETE, "/classify-jobs/%s"}, new Object[] {BULK_RESULTS, "/classify-jobs/%s/results"},
            new Object[] {BULK_CANCEL, "/classify-jobs/%s/cancel"}, new Object[] {BULK_EVENTS, "/classify-jobs/%s/events"});

    /** The endpoints without a body or an id, at their plain paths. */
    private static final List<Object[]> PLAIN_ENDPOINTS = List.of(
            new Object[] {MODELS, "/models"}, new Object[] {MODEL_CURRENT, "/models/current"},
            new Object[] {DATASETS, "/datasets"}, new Object[] {TRAIN_LIST, "/train-jobs"},
            new Object[] {BULK_LIST, "/classify-jobs"}, new Object[] {SERVING, "/serving/summary"},
            new Object[] {REPLICAS, "/replicas"});

    /** The methods of RFC 9110 the API could take; any other is a protocol-level refusal (501 allowed). */
    private static final java.util.Set<String> STANDARD_METHODS = java.util.Set.of("GET", "HEAD", "POST", "PUT",
            "DELETE", "OPTIONS", "PATCH");
    /** A dataset id in the store's format that no dataset has. */
    private static final String NO_DATASET = "mzzzzzzz-zzzzzz";
    /** A request target HttpClient and every filter take as it is: the key variants go out on these only. */
    private static final Pattern CLEAN_TARGET = Pattern.compile("[A-Za-z0-9/_.\\-?=&]*");

    private final int port;
    private final String adminKey;
    private final String classifyKey;
    private final String emptyFolder;
    private final Random random;
    private final List<Spec> specs = new ArrayList<>();
    private final List<Abuse> raws = new ArrayList<>();
    private int modelIds;

    private AbuseRequests(int port, String adminKey, String classifyKey, String emptyFolder, long seed) {
        this.port = port;
        this.adminKey = adminKey;
        this.classifyKey = classifyKey;
        this.emptyFolder = emptyFolder;
        this.random = new Random(seed);
    }

    /**
     * Every request, in a seeded random order.
     *
     * @param emptyFolder an empty folder inside tagger.models.import-root: a registration from it passes the path
     *                    check and fails as no checkpoint, so its other fields are read first
     */
    static List<Abuse> generate(int port, String adminKey, String classifyKey, String emptyFolder, long seed) {
        AbuseRequests g = new AbuseRequests(port, adminKey, classifyKey, emptyFolder, seed);
        g.jsonFields();
        g.jsonBodies();
        g.contentTypes();
        g.oversize();
        g.pathIds();
        g.methods();
        g.queries();
        g.accepts();
        g.forms();
        g.multiparts();
        g.archives();
        g.actuator();
        g.docsAndUnknown();
        g.transport();
        g.keys();
        List<Abuse> out = new ArrayList<>(g.raws);
        for (Spec s : g.specs) {
            out.add(g.build(s));
        }
        java.util.Collections.shuffle(out, g.random);
        return out;
    }

    // ---- values -----------------------------------------------------------------------------------------------

    private record V(String what, Object json) {
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON string holding these bytes between its quotes, as they are. */
    private static Raw rawString(String what, byte... inner) {
        return new Raw(cat(utf8("\"" + what), inner, utf8("\"")));
    }

    private static final String DEEP_ARRAYS = "[".repeat(10_000) + "]".repeat(10_000);
    private static final String DEEP_OBJECTS = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);

    /** Wrong JSON types. */
    private static List<V> types() {
        return List.of(new V("0", raw("0")), new V("1", raw("1")), new V("-1", raw("-1")), new V("1.5", raw("1.5")),
                new V("a string", "x"), new V("an empty string", ""), new V("a blank string", "   "),
                new V("true", raw("true")), new V("false", raw("false")), new V("null", raw("null")),
                new V("[]", raw("[]")), new V("[1]", raw("[1]")), new V("[\"a\"]", raw("[\"a\"]")),
                new V("[null]", raw("[null]")), new V("{}", raw("{}")), new V("{\"a\":1}", raw("{\"a\":1}")),
                new V("[[[]]]", raw("[[[]]]")), new V("{\"\":\"\"}", raw("{\"\":\"\"}")),
                new V("10000 nested arrays", raw(DEEP_ARRAYS)), new V("10000 nested objects", raw(DEEP_OBJECTS)),
                new V("10000 unclosed arrays", raw("[".repeat(10_000))));
    }

    /** Numbers past every range, and strings and literals that pretend to be numbers. */
    private static List<V> numbers() {
        return List.of(new V("1e309", raw("1e309")), new V("-1e309", raw("-1e309")), new V("1e-400", raw("1e-400")),
                new V("2^63-1", raw("9223372036854775807")), new V("2^63", raw("9223372036854775808")),
                new V("-2^63-1", raw("-9223372036854775809")), new V("2^64", raw("18446744073709551616")),
                new V("2^31-1", raw("2147483647")), new V("2^31", raw("2147483648")),
                new V("-2^31-1", raw("-2147483649")), new V("-0", raw("-0")), new V("0.0", raw("0.0")),
                new V("1E+2", raw("1E+2")), new V("0.5", raw("0.5")), new V("1.0000000000000000001",
                        raw("1.0000000000000000001")), new V("-0.000001", raw("-0.000001")),
                new V("the string NaN", "NaN"), new V("the string Infinity", "Infinity"),
                new V("the string -Infinity", "-Infinity"), new V("the string 1e309", "1e309"),
                new V("the string 0x10", "0x10"), new V("the literal NaN", raw("NaN")),
                new V("the literal Infinity", raw("Infinity")), new V("the literal -Infinity", raw("-Infinity")),
                new V("a 1201-digit integer", raw("1" + "0".repeat(1200))),
                new V("a 2000-digit fraction", raw("0." + "1".repeat(2000))), new V("01", raw("01")),
                new V("+1", raw("+1")), new V(".5", raw(".5")), new V("1.", raw("1.")), new V("1e", raw("1e")),
                new V("a lone minus", raw("-")), new V("1e99999999999", raw("1e99999999999")),
                new V("0x10", raw("0x10")));
    }

    /** Unicode and string edge cases, some of them bytes that are not UTF-8 at all. */
    private static List<V> strings() {
        return List.of(new V("a lone high surrogate", "\ud800"), new V("a lone low surrogate", "\udfff"),
                new V("a text ending in a lone surrogate", "abc\ud800"), new V("two high surrogates", "\ud800\ud800"),
                new V("reversed surrogates", "\udc00\ud800"), new V("a surrogate then a letter", "\ud800a"),
                new V("NUL", "\u0000"), new V("a NUL inside", "a\u0000b"), new V("a zero-width space only", "\u200b"),
                new V("zero-width characters and a BOM only", "\u200b\u200c\u200d\u2060\ufeff"),
                new V("bidi controls only", "\u202e\u202d\u2066\u2067\u2068\u2069"),
                new V("a right-to-left override before text", "\u202eevil text"),
                new V("the noncharacters U+FFFE U+FFFF", "\ufffe\uffff"), new V("an emoji", "\ud83d\ude00"),
                new V("combining marks only", "\u0301\u0301\u0301"), new V("white space only", "\t\n\r "),
                new V("exotic spaces only", "\u0085\u00a0\u3000\u2028"), new V("an ANSI escape", "\u001b[31mred"),
                new V("a raw control byte", new Raw(utf8("\"a\u0001b\""))),
                new V("an invalid escape", new Raw(utf8("\"\\x41\""))),
                new V("a cut \\u escape", new Raw(utf8("\"\\u12\""))),
                new V("an unterminated string", new Raw(utf8("\"abc"))),
                new V("the byte 0xff", rawString("a", (byte) 0xff)),
                new V("the bytes C3 28", rawString("a", (byte) 0xc3, (byte) 0x28)),
                new V("an encoded surrogate ED A0 80", rawString("a", (byte) 0xed, (byte) 0xa0, (byte) 0x80)),
                new V("a code point past U+10FFFF", rawString("a", (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80)),
                new V("an overlong slash C0 AF", rawString("a", (byte) 0xc0, (byte) 0xaf)),
                new V("a lone continuation byte", rawString("a", (byte) 0x80)),
                new V("a five-byte sequence", rawString("a", (byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80,
                        (byte) 0x80)),
                new V("a cut three-byte sequence", rawString("a", (byte) 0xe2, (byte) 0x82)),
                new V("30000 characters", "a".repeat(30_000)),
                new V("5000 emoji (10000 chars)", "\ud83d\ude00".repeat(5_000)),
                new V("a path traversal", "../../../../etc/passwd"), new V("a bad percent escape", "%zz%"),
                new V("markup", "<script>alert(1)</script>"), new V("a lookup string", "${jndi:ldap://x/a}"),
                new V("a format string", "%s%n%x%08x"), new V("SQL", "' OR 1=1 --"),
                new V("a CRLF with a header", "a\r\nSet-Cookie: x=y"));
    }

    private static List<V> allValues() {
        List<V> all = new ArrayList<>(types());
        all.addAll(numbers());
        all.addAll(strings());
        return all;
    }

    // ---- the JSON endpoints -----------------------------------------------------------------------------------

    private static Map<String, Object> classifyBody() {
        return obj("text", "hello there", "threshold", raw("0.5"), "top_k", raw("2"), "all_scores", raw("false"),
                "long_text", "chunk", "aggregation", "mean", "window", raw("16"), "stride", raw("4"));
    }

    private static Map<String, Object> classifyTexts() {
        return obj("texts", arr("first text", "second text"), "top_k", raw("1"));
    }

    private Map<String, Object> registerBody() {
        return obj("id", "abuse-json", "path", emptyFolder, "problem_type_override", "multi_label_classification",
                "threshold", raw("0.5"), "thresholds", obj("joy", raw("0.4")));
    }

    /** A preview's body: valid inline data, so that every later field is read too (a preview queues nothing). */
    private static Map<String, Object> previewBody() {
        return obj("name", "abuse", "training_data", obj("examples", arr(
                        obj("text", "I love it", "labels", arr("joy")), obj("text", "so sad", "labels", arr("sadness")),
                        obj("text", "thank you", "labels", arr("joy")))),
                "validation_data", obj("split", raw("0.3")), "labels", arr("joy", "sadness"),
                "base", "builtin:all-MiniLM-L6-v2", "parameters", obj("train", "head", "epochs", raw("1"),
                        "learning_rate", raw("0.001"), "head_learning_rate", raw("0.01"), "batch_size", raw("8"),
                        "max_tokens", raw("32"), "warmup_ratio", raw("0.1"), "weight_decay", raw("0.01"),
                        "dropout", raw("0.1"), "clip_norm", raw("1.0"), "seed", raw("7"), "min_positives", raw("1")),
                "deploy", "never");
    }

    /** A job's body: its training data is a dataset that does not exist, so no variant of it can start a job. */
    private static Map<String, Object> trainBody() {
        return obj("name", "abuse", "training_data", obj("dataset_id", NO_DATASET), "validation_data",
                obj("split", raw("0.2")), "labels", arr("joy"), "base", "builtin:all-MiniLM-L6-v2",
                "parameters", obj("epochs", raw("1")), "deploy", "never");
    }

    /** A bulk job's body: a dataset that does not exist, so no variant can start a job. */
    private static Map<String, Object> bulkBody() {
        return obj("dataset_id", NO_DATASET, "threshold", raw("0.5"), "top_k", raw("2"), "all_scores", raw("true"),
                "long_text", "truncate", "aggregation", "max", "window", raw("32"), "stride", raw("8"));
    }

    /** One JSONL dataset row; the rest of the upload is a valid row. */
    private static Map<String, Object> datasetRow() {
        return obj("text", "I love it", "labels", arr("joy", "gratitude"));
    }

    private void jsonFields() {
        List<V> values = allValues();
        // The larger bodies get a seeded share of the (field, value) pairs: their fields repeat the same checks.
        mutate(CLASSIFY, "/classify", classifyBody(), values, "application/json", null, 0.35);
        mutate(CLASSIFY, "/classify", classifyTexts(), values, "application/json", null, 1);
        mutate(MODELS_JSON, "/models", registerBody(), values, "application/json", null, 0.45);
        mutate(TRAIN_PREVIEW, "/train-jobs/preview", previewBody(), values, "application/json", null, 0.15);
        mutate(TRAIN, "/train-jobs", trainBody(), values, "application/json", null, 0.25);
        mutate(BULK_JSON, "/classify-jobs", bulkBody(), values, "application/json", null, 0.45);
        mutate(DATASETS_RAW, "/datasets?name=abuse", datasetRow(), values, "application/jsonl",
                "\n{\"text\": \"so sad\", \"labels\": [\"sadness\"]}\n", 0.4);
    }

    /**
     * The body with each value in turn replaced by each variant, removed, and given an unknown sibling.
     *
     * @param tail  bytes after the body (the rest of a JSONL upload), or null
     * @param share the part of the (field, value) pairs sent, drawn from the seed
     */
    private void mutate(Endpoint e, String path, Map<String, Object> body, List<V> values, String type, String tail,
                        double share) {
        byte[] end = tail == null ? new byte[0] : utf8(tail);
        for (List<Object> at : JsonTree.paths(body)) {
            String field = JsonTree.name(at);
            for (V v : values) {
                if (random.nextDouble() >= share) {
                    continue;
                }
                add(e, "'" + field + "' = " + v.what(), "POST", path, type, cat(JsonTree.write(JsonTree.with(body, at,
                        v.json())), end));
            }
            add(e, "without '" + field + "'", "POST", path, type, cat(JsonTree.write(JsonTree.with(body, at,
                    JsonTree.REMOVE)), end));
            if (at.get(at.size() - 1) instanceof String name) {
                List<Object> parent = at.subList(0, at.size() - 1);
                Object sibling = JsonTree.with(body, concat(parent, name + "_x"), raw("1"));
                add(e, "an unknown field beside '" + field + "'", "POST", path, type,
                        cat(JsonTree.write(sibling), end));
            }
        }
        for (V v : strings()) {
            if (v.json() instanceof String key) {
                Map<String, Object> keyed = new java.util.LinkedHashMap<>(body);
                keyed.put(key, raw("1"));
                add(e, "a field named " + v.what(), "POST", path, type, cat(JsonTree.write(keyed), end));
            }
        }
    }

    private static List<Object> concat(List<Object> parent, Object last) {
        List<Object> p = new ArrayList<>(parent);
        p.add(last);
        return p;
    }

    /** Whole bodies that are not the object the endpoint reads. */
    private void jsonBodies() {
        List<Object[]> bodies = new ArrayList<>(List.of(
                new Object[] {"an empty body", new byte[0]}, new Object[] {"a blank body", utf8("  \n ")},
                new Object[] {"null", utf8("null")}, new Object[] {"[]", utf8("[]")},
                new Object[] {"[{}]", utf8("[{}]")}, new Object[] {"a string", utf8("\"text\"")},
                new Object[] {"a number", utf8("123")}, new Object[] {"true", utf8("true")},
                new Object[] {"{", utf8("{")}, new Object[] {"}", utf8("}")},
                new Object[] {"a name without a value", utf8("{\"text\"")},
                new Object[] {"a colon without a value", utf8("{\"text\":}")},
                new Object[] {"a trailing comma", utf8("{\"text\":\"a\",}")},
                new Object[] {"an extra brace", utf8("{\"text\":\"a\"}}")},
                new Object[] {"trailing garbage", utf8("{\"text\":\"a\"} trailing")},
                new Object[] {"two objects", utf8("{\"text\":\"a\"}{\"text\":\"b\"}")},
                new Object[] {"single quotes", utf8("{'text':'a'}")},
                new Object[] {"an unquoted name", utf8("{text:\"a\"}")},
                new Object[] {"a comment", utf8("/*c*/{\"text\":\"a\"}")},
                new Object[] {"a line comment", utf8("// c\n{\"text\":\"a\"}")},
                new Object[] {"a byte order mark", cat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf},
                        utf8("{\"text\":\"a\"}"))},
                new Object[] {"UTF-16 bytes", "{\"text\":\"a\"}".getBytes(StandardCharsets.UTF_16LE)},
                new Object[] {"UTF-32 bytes", "{\"text\":\"a\"}".getBytes(java.nio.charset.Charset.forName("UTF-32"))},
                new Object[] {"a duplicate field", utf8("{\"text\":\"a\",\"text\":\"b\"}")},
                new Object[] {"a megabyte of white space", cat(utf8(" ".repeat(1 << 20)), utf8("{}"))},
                new Object[] {"50000 fields", utf8(manyFields(50_000))},
                new Object[] {"a NUL byte", new byte[] {0}},
                new Object[] {"random bytes", BadArchives.random(1000, 11)},
                new Object[] {"a field named by a lone surrogate", utf8("{\"\\ud800\":1}")},
                new Object[] {"an empty field name", utf8("{\"\":1}")},
                new Object[] {"a field name of invalid UTF-8", cat(utf8("{\""), new byte[] {(byte) 0xff}, utf8("\":1}"))},
                new Object[] {"10000 nested arrays", utf8(DEEP_ARRAYS)},
                new Object[] {"10000 nested objects", utf8(DEEP_OBJECTS)},
                new Object[] {"10000 unclosed arrays", utf8("[".repeat(10_000))},
                new Object[] {"100000 nested arrays", utf8("[".repeat(100_000) + "]".repeat(100_000))},
                new Object[] {"a 1201-digit number", utf8("{\"top_k\": 1" + "0".repeat(1200) + "}")},
                new Object[] {"a 100000-character field name", utf8("{\"" + "k".repeat(100_000) + "\": 1}")},
                new Object[] {"a 1.5 MB string", utf8("{\"text\": \"" + "b".repeat(1_500_000) + "\"}")}));
        for (Object[] target : jsonTargets()) {
            for (Object[] b : bodies) {
                add((Endpoint) target[0], (String) b[0], "POST", (String) target[1], (String) target[2], (byte[]) b[1]);
            }
            add((Endpoint) target[0], "bad JSON sent chunked", "POST", (String) target[1], (String) target[2],
                    utf8("{\"text\": [1, 2"), true);
        }
    }

    private static String manyFields(int n) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        return b.append('}').toString();
    }

    /** Endpoint, path, content type and a body it would take up to its data. */
    private List<Object[]> jsonTargets() {
        return List.of(new Object[] {CLASSIFY, "/classify", "application/json", JsonTree.write(classifyBody())},
                new Object[] {MODELS_JSON, "/models", "application/json", JsonTree.write(registerBody())},
                new Object[] {TRAIN_PREVIEW, "/train-jobs/preview", "application/json", JsonTree.write(previewBody())},
                new Object[] {TRAIN, "/train-jobs", "application/json", JsonTree.write(trainBody())},
                new Object[] {BULK_JSON, "/classify-jobs", "application/json", JsonTree.write(bulkBody())},
                new Object[] {DATASETS_RAW, "/datasets?name=abuse", "application/jsonl", JsonTree.write(obj("text",
                        "x", "labels", "not a list"))});
    }

    private void contentTypes() {
        String[] types = {null, "", "text/plain", "application/xml", "text/html", "application/json; charset=latin1",
                "application/json; charset=bogus", "application/json; charset=UTF-16", "application/json; charset=\"",
                "application/json;;;", "application/jsonx", "application/json, text/plain", "*/*", "application/*",
                "application/", "/json", "json", ";", "application/json; boundary=x", "multipart/form-data",
                "multipart/form-data; boundary=", "multipart/mixed; boundary=b", "application/problem+json",
                "application/merge-patch+json", "APPLICATION/JSON", "application/json; q=0",
                "application/json; a=" + "b".repeat(6000), "text/csv", "application/zip", "application/octet-stream",
                "image/png", "application/json; charset=utf-8; charset=latin1", "application/x-www-form-urlencoded"};
        for (Object[] target : jsonTargets()) {
            for (String type : types) {
                add((Endpoint) target[0], "Content-Type " + describe(type), "POST", (String) target[1], type,
                        (byte[]) target[3]);
            }
            // Header values HttpClient will not send.
            for (String type : new String[] {"application/json\u0000", "application/json\u00ff", "appli\tcation/json"}) {
                rawSpec((Endpoint) target[0], "Content-Type " + describe(type), "POST", (String) target[1],
                        List.<String[]>of(new String[] {"Content-Type", type}), (byte[]) target[3]);
            }
        }
    }

    private static String describe(String s) {
        if (s == null) {
            return "(none)";
        }
        String shown = s.length() > 60 ? s.substring(0, 60) + "... (" + s.length() + " chars)" : s;
        StringBuilder b = new StringBuilder("'");
        for (char c : shown.toCharArray()) {
            b.append(c < 0x20 || c > 0x7e ? String.format(java.util.Locale.ROOT, "\\u%04x", (int) c) : c);
        }
        return b.append('\'').toString();
    }

    /** Bodies over each limit, with Content-Length and chunked. */
    private void oversize() {
        byte[] classify = utf8("{\"text\": \"" + "a".repeat(2 * 1024 * 1024 + 10) + "\"}");
        for (boolean chunked : new boolean[] {false, true}) {
            String how = chunked ? " (chunked)" : " (Content-Length)";
            add(CLASSIFY, "a body over tagger.api.max-body-bytes" + how, "POST", "/classify", "application/json",
                    classify, chunked);
            add(TRAIN_PREVIEW, "a body over tagger.api.max-body-bytes" + how, "POST", "/train-jobs/preview",
                    "application/json", classify, chunked);
            add(MODELS_JSON, "a body over tagger.api.max-body-bytes" + how, "POST", "/models", "application/json",
                    classify, chunked);
            byte[] csv = utf8("text,labels\n" + "x,joy\n".repeat(110_000));
            add(DATASETS_RAW, "a dataset over tagger.datasets.max-bytes" + how, "POST", "/datasets?name=abuse",
                    "text/csv", csv, chunked);
            Multipart big = new Multipart("big").file("file", "d.csv", "text/csv", csv);
            add(DATASETS_MULTIPART, "a file part over tagger.datasets.max-bytes" + how, "POST", "/datasets",
                    big.type(), big.end(), chunked);
            byte[] lines = utf8("{\"text\": \"hello\"}\n".repeat(130_000));
            Multipart bulk = new Multipart("bulk").file("file", "t.jsonl", "application/jsonl", lines);
            add(BULK_MULTIPART, "a file part over tagger.bulk.max-upload-bytes" + how, "POST", "/classify-jobs",
                    bulk.type(), bulk.end(), chunked);
        }
        // A Content-Length far over the model upload limit, with no body behind it: refused before reading.
        rawBytes(MODELS_ARCHIVE, "Content-Length of 3 GB over tagger.models.max-upload-bytes", false,
                head("POST", "/models?id=abuse-huge", adminKey, "Content-Type: application/zip",
                        "Content-Length: 3000000000"));
        rawBytes(DATASETS_RAW, "Content-Length of 1 TB", false, head("POST", "/datasets", adminKey,
                "Content-Type: text/csv", "Content-Length: 1000000000000"));
    }

    // ---- paths, methods, queries, headers ---------------------------------------------------------------------

    private static final String[] ODD_IDS = {"..", ".", "%2F", "a%2Fb", "%2e%2e", "%2e", "%00", "a%00b", "%zz", "%",
            "%e", "%F0%9F%98%80", "%C0%AF", "%ED%A0%80", "%FF%FE", "a;b", ";jsessionid=x", "%3B", "%5C", "a%5Cb",
            "%252F", "~", "*", "$", "%27", "%22", "%3Cscript%3E", "%0D%0ASet-Cookie:%20x", "%09", "%20", "+",
            "builtin:x", "builtin%3Aall-MiniLM-L6-v2", "CON", "nul", "-", "_", ".hidden", "a.b.c", "0", "-1",
            "9223372036854775808", "1e309", "NaN", "null", "undefined", "x".repeat(300), "y".repeat(5000),
            "%u0041", "%%30%30", "a/b", "a//b", "mzzzzzzz-zzzzzz", "MZZZZZZZ-ZZZZZZ", "current", "preview",
            "%E2%80%AE", "%E2%80%8B"};

    private void pathIds() {
        for (Object[] e : ID_ENDPOINTS) {
            Endpoint endpoint = (Endpoint) e[0];
            for (String id : ODD_IDS) {
                String path = String.format((String) e[1], id);
                String accept = endpoint.path().endsWith("/events") ? "text/event-stream" : null;
                add(endpoint, "id " + describe(id), endpoint.method(), path, null, null, false,
                        accept == null ? List.of() : List.<String[]>of(new String[] {"Accept", accept}));
            }
            // Bytes in the id that no URI may hold: a raw request line.
            for (String id : new String[] {"a b", "a\\b", "a\"b", "<x>", "a{b}", "a|b", "a^b", "`", "\u00e9",
                    "\u0001", "a#b"}) {
                rawSpec(endpoint, "raw id " + describe(id), endpoint.method(), String.format((String) e[1], id),
                        List.of(), null);
            }
        }
        add(DATASET, "GET /datasets/preview (there is no such endpoint)", "GET", "/datasets/preview", null, null);
        add(DATASET, "GET /datasets/ with an empty id", "GET", "/datasets/", null, null);
        add(MODEL, "GET /models/ with an empty id", "GET", "/models/", null, null);
        add(TRAIN_JOB, "GET /train-jobs/ with an empty id", "GET", "/train-jobs/", null, null);
        add(BULK_JOB, "GET /classify-jobs// with an empty id", "GET", "/classify-jobs//results", null, null);
    }

    private void methods() {
        String[] methods = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "FOO", "get", "PROPFIND",
                "M".repeat(100)};
        List<Object[]> targets = new ArrayList<>();
        for (Object[] e : ID_ENDPOINTS) {
            targets.add(new Object[] {e[0], String.format((String) e[1], "abuse-id")});
        }
        targets.addAll(PLAIN_ENDPOINTS);
        targets.add(new Object[] {CLASSIFY, "/classify"});
        targets.add(new Object[] {MODELS_JSON, "/models"});
        targets.add(new Object[] {DATASETS_RAW, "/datasets"});
        targets.add(new Object[] {TRAIN, "/train-jobs"});
        targets.add(new Object[] {TRAIN_PREVIEW, "/train-jobs/preview"});
        targets.add(new Object[] {BULK_JSON, "/classify-jobs"});
        for (Object[] t : targets) {
            Endpoint e = (Endpoint) t[0];
            for (String m : methods) {
                if (m.equals(e.method())) {
                    continue;
                }
                boolean body = m.equals("PUT") || m.equals("PATCH") || m.equals("POST");
                add(e, "method " + (m.length() > 20 ? m.substring(0, 20) + "..." : m), m, (String) t[1],
                        body ? "application/json" : null, body ? utf8("{\"x\": 1}") : null);
            }
            rawSpec(e, "method CONNECT", "CONNECT", (String) t[1], List.of(), null);
            rawSpec(e, "a method with a bad character", "G@T", (String) t[1], List.of(), null);
        }
    }

    private void queries() {
        String[] values = {"", "%zz", "%", "-1", "0", "101", "2147483648", "9223372036854775808", "1e309", "NaN",
                "1.5", "abc", "%00", "%F0%9F%98%80", "%ED%A0%80", "RUNNING,", ",,,", "running,nosuch",
                "x".repeat(3000), "%E2%80%AE", "+", "%20"};
        for (String name : new String[] {"status", "page", "size"}) {
            for (String v : values) {
                add(TRAIN_LIST, "?" + name + "=" + describe(v), "GET", "/train-jobs?" + name + "=" + v, null, null);
            }
        }
        add(TRAIN_LIST, "page and size at the long limit", "GET", "/train-jobs?page=2147483647&size=100", null, null);
        add(TRAIN_LIST, "status repeated", "GET", "/train-jobs?status=RUNNING&status=%zz", null, null);
        for (String v : new String[] {"", "xml", "HF", " hf ", "%zz", "torchscript%00", "auto,hf", "x".repeat(2000),
                "%E2%80%AE", "sentence-transformers%2F", "1e309"}) {
            add(MODEL_EXPORT, "?format=" + describe(v), "GET", "/models/abuse-id/export?format=" + v, null, null);
        }
        byte[] csv = utf8("text,labels\nI love it,joy\n");
        for (String q : new String[] {"format=xml", "format=", "format=%zz", "format=csv%00", "labels=", "labels=%zz",
                "labels=,,,", "labels=" + "l,".repeat(3000), "long_texts=maybe", "long_texts=", "long_texts=%zz",
                "name=%ED%A0%80", "name=" + "n".repeat(5000), "name=%00", "format=tsv", "format=tsv&labels=a,a",
                "format=jsonl"}) {
            add(DATASETS_RAW, "?" + describe(q), "POST", "/datasets?" + q, "text/plain", csv);
        }
        byte[] zip = BadArchives.zip(List.of(BadArchives.ZipItem.of("config.json", utf8("{}"))));
        for (String q : new String[] {"", "id=", "id=%zz", "id=..", "id=-x", "id=" + "i".repeat(65), "id=a%2Fb",
                "id=%ED%A0%80", "id=abuse-q&threshold=abc", "id=abuse-q&threshold=1e309", "id=abuse-q&threshold=NaN",
                "id=abuse-q&threshold=-1", "id=abuse-q&thresholds=%7B", "id=abuse-q&thresholds=[1]",
                "id=abuse-q&thresholds=%7B%22joy%22:%22x%22%7D", "id=abuse-q&thresholds=" + "[".repeat(5000),
                "id=abuse-q&problem_type_override=regression", "id=abuse-q&problem_type_override=%00",
                "id=goemotions-minilm", "id=abuse-q&id=abuse-r"}) {
            add(MODELS_ARCHIVE, "?" + describe(q), "POST", "/models?" + q, "application/zip", zip);
        }
        for (Object[] t : PLAIN_ENDPOINTS) {
            for (String q : new String[] {"%zz", "a=%", "=", "&&&", "a=" + "v".repeat(7000), "a[]=1", "a.b.c=1",
                    "page=-1&size=0", manyParams(1500), "%ED%A0%80=1"}) {
                add((Endpoint) t[0], "query " + describe(q), "GET", t[1] + "?" + q, null, null);
            }
            add((Endpoint) t[0], "a body on GET", "GET", (String) t[1], "application/json", utf8("{\"x\": [1, 2"));
        }
    }

    private static String manyParams(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : "&").append("p").append(i).append("=").append(i);
        }
        return b.toString();
    }

    private void accepts() {
        String[] accepts = {"text/html", "application/xml", "text/plain", "image/png", "*/*;q=abc", "garbage",
                "application/json;q=0", "text/event-stream", "application/problem+json", "", "application/*;q=0.5, "
                + "text/html;q=0.9", "a".repeat(5000)};
        List<Object[]> targets = new ArrayList<>(PLAIN_ENDPOINTS);
        for (Object[] e : ID_ENDPOINTS) {
            targets.add(new Object[] {e[0], String.format((String) e[1], "abuse-id")});
        }
        for (Object[] t : targets) {
            Endpoint e = (Endpoint) t[0];
            for (String a : accepts) {
                add(e, "Accept " + describe(a), e.method(), (String) t[1], null, null, false,
                        List.<String[]>of(new String[] {"Accept", a}));
            }
        }
        for (Object[] t : jsonTargets()) {
            for (String a : accepts) {
                add((Endpoint) t[0], "bad JSON with Accept " + describe(a), "POST", (String) t[1], (String) t[2],
                        utf8("{\"text\": "), false, List.<String[]>of(new String[] {"Accept", a}));
            }
        }
    }

    /** Form-encoded bodies whose parameters do not decode, on every endpoint that reads a body or parameters. */
    private void forms() {
        String[] forms = {"%zz", "name=%E0%A4%A&x=%zz", "%", "a=%ff%fe", "=%", "&&&", "a=b=c", manyParams(1500),
                "%00=%00", "a=%2", "+%2", "%zz=1", "name=" + "%41".repeat(20_000)};
        List<Object[]> targets = new ArrayList<>();
        for (Object[] t : jsonTargets()) {
            targets.add(new Object[] {t[0], t[1]});
        }
        targets.add(new Object[] {MODELS_ARCHIVE, "/models?id=abuse-form"});
        targets.add(new Object[] {TRAIN_LIST, "/train-jobs"});
        targets.add(new Object[] {MODEL_EXPORT, "/models/abuse-id/export"});
        for (Object[] t : targets) {
            Endpoint e = (Endpoint) t[0];
            String method = e.method().equals("GET") ? "GET" : "POST";
            for (String f : forms) {
                add(e, "a form body " + describe(f), method, (String) t[1], "application/x-www-form-urlencoded",
                        utf8(f));
            }
            String sep = ((String) t[1]).contains("?") ? "&" : "?";
            add(e, "a query of %zz", method, t[1] + sep + "%zz", "application/json", utf8("{}"));
            add(e, "a query of a=%ff%fe", method, t[1] + sep + "a=%ff%fe", "application/json", utf8("{}"));
            add(e, "a form body in latin1 charset", method, (String) t[1],
                    "application/x-www-form-urlencoded; charset=ISO-8859-1", utf8("name=%E9"));
            add(e, "a form body in a bogus charset", method, (String) t[1],
                    "application/x-www-form-urlencoded; charset=bogus", utf8("name=x"));
        }
    }

    // ---- multipart --------------------------------------------------------------------------------------------

    /** A multipart body written by hand, so that it can be wrong in any way. */
    static final class Multipart {
        private final String boundary;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Multipart(String boundary) {
            this.boundary = boundary;
        }

        String type() {
            return "multipart/form-data; boundary=" + boundary;
        }

        Multipart field(String name, byte[] value) {
            return part("Content-Disposition: form-data; name=\"" + name + "\"", value);
        }

        Multipart field(String name, String value) {
            return field(name, utf8(value));
        }

        Multipart file(String name, String filename, String type, byte[] data) {
            return part("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename + "\"\r\n"
                    + "Content-Type: " + type, data);
        }

        /** A part with these header lines, as they are. */
        Multipart part(String headers, byte[] data) {
            out.writeBytes(utf8("--" + boundary + "\r\n" + headers + "\r\n\r\n"));
            out.writeBytes(data);
            out.writeBytes(utf8("\r\n"));
            return this;
        }

        Multipart bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        /** The body without its closing boundary. */
        byte[] open() {
            return out.toByteArray();
        }

        byte[] end() {
            return cat(out.toByteArray(), utf8("--" + boundary + "--\r\n"));
        }
    }

    private void multiparts() {
        byte[] csv = utf8("text,labels\n\"unterminated,joy\n");
        byte[] jsonl = utf8("{\"text\": \"hello\"\n");
        byte[] zip = BadArchives.zip(List.of(BadArchives.ZipItem.of("f", utf8("x")), BadArchives.ZipItem.of("f/x",
                utf8("x"))));
        multipart(DATASETS_MULTIPART, "/datasets", "d.csv", "text/csv", csv, new String[][] {{"name", "abuse"}});
        multipart(BULK_MULTIPART, "/classify-jobs", "t.jsonl", "application/jsonl", jsonl, new String[][] {});
        multipart(MODELS_MULTIPART, "/models", "m.zip", "application/zip", zip, new String[][] {{"id", "abuse-mp"}});

        // Fields each endpoint reads, with bad values; the file itself is fine up to them.
        byte[] goodCsv = utf8("text,labels\nI love it,joy\nso sad,sadness\n");
        String[][] datasetFields = {{"format", "xml"}, {"format", ""}, {"long_texts", "maybe"}, {"labels", ""},
                {"labels", ",,,"}, {"name", "\ud800"}, {"format", "tsv"}, {"labels_file", "\u0000\u0000"}};
        for (String[] f : datasetFields) {
            Multipart m = new Multipart("df").field("name", "abuse").field(f[0], f[1])
                    .file("file", "d.csv", "text/csv", cat(goodCsv, utf8("\"broken\n")));
            add(DATASETS_MULTIPART, "field " + f[0] + "=" + describe(f[1]), "POST", "/datasets", m.type(), m.end());
        }
        Multipart both = new Multipart("lb").field("labels", "joy").file("labels_file", "l.txt", "text/plain",
                utf8("joy\n")).file("file", "d.csv", "text/csv", goodCsv);
        add(DATASETS_MULTIPART, "labels and labels_file both", "POST", "/datasets", both.type(), both.end());
        Multipart badLabels = new Multipart("lf").file("labels_file", "l.txt", "text/plain", new byte[] {(byte) 0xff,
                (byte) 0xfe, 0}).file("file", "d.csv", "text/csv", goodCsv);
        add(DATASETS_MULTIPART, "a labels_file of invalid UTF-8", "POST", "/datasets", badLabels.type(), badLabels.end());
        for (byte[] file : new byte[][] {utf8("text,labels\n"), utf8("nope\nx\n"), new byte[] {0, 0, 0},
                new byte[] {(byte) 0xff, (byte) 0xfe, 'a', ',', 'b'}, utf8("text,labels\n" + "a,".repeat(20_000) + "\n"),
                utf8("text,labels\n\"a\"\"b,joy\n"), utf8("text,labels\n\u200b,joy\n"), utf8("text,labels\n\ud800,joy\n"),
                cat(utf8("text,labels\n"), new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, utf8(",joy\n"))}) {
            Multipart m = new Multipart("dc").file("file", "d.csv", "text/csv", file);
            add(DATASETS_MULTIPART, "a bad CSV file (" + file.length + " bytes)", "POST", "/datasets", m.type(), m.end());
        }
        String[][] bulkFields = {{"threshold", "abc"}, {"threshold", "1e309"}, {"threshold", "-1"}, {"top_k", "0"},
                {"top_k", "9223372036854775808"}, {"all_scores", "maybe"}, {"format", "xml"}, {"long_text", "all"},
                {"window", "2"}, {"stride", "-5"}, {"aggregation", "sum"}, {"threshold", "NaN"}};
        for (String[] f : bulkFields) {
            Multipart m = new Multipart("bf").field(f[0], f[1]).file("file", "t.jsonl", "application/jsonl",
                    utf8("{\"text\": \"hello\"}\n"));
            add(BULK_MULTIPART, "field " + f[0] + "=" + describe(f[1]), "POST", "/classify-jobs", m.type(), m.end());
        }
        for (byte[] file : new byte[][] {utf8("{\"text\": \"\\ud800\"}\n"), utf8("{\"text\": \"\"}\n"),
                utf8("{\"text\": 5}\n"), utf8("[1,2]\n"), new byte[] {(byte) 0xff, '\n'}, utf8("{\"id\": [], \"text\": \"a\"}"),
                utf8("[".repeat(10_000) + "\n"), utf8("{\"text\": \"" + "a".repeat(30_000) + "\"}\n"),
                utf8("{\"text\": \"\\u200b\"}\n")}) {
            Multipart m = new Multipart("bl").file("file", "t.jsonl", "application/jsonl", file);
            add(BULK_MULTIPART, "a bad JSONL file (" + file.length + " bytes)", "POST", "/classify-jobs", m.type(),
                    m.end());
        }
        Multipart noFormat = new Multipart("nf").file("file", "t.bin", "application/octet-stream", utf8("hello\n"));
        add(BULK_MULTIPART, "a file whose format cannot be told", "POST", "/classify-jobs", noFormat.type(),
                noFormat.end());
        String[][] modelFields = {{"id", ""}, {"id", ".."}, {"id", "-x"}, {"id", "i".repeat(65)}, {"id", "a/b"},
                {"id", "goemotions-minilm"}, {"threshold", "abc"}, {"threshold", "1e309"},
                {"thresholds", "{"}, {"thresholds", "[1]"}, {"thresholds", "{\"joy\": \"x\"}"},
                {"thresholds", "[".repeat(5000)}, {"problem_type_override", "regression"}};
        for (String[] f : modelFields) {
            Multipart m = new Multipart("mf");
            if (!f[0].equals("id")) {
                m.field("id", "abuse-mf-" + (++modelIds));
            }
            m.field(f[0], f[1]).file("file", "m.zip", "application/zip", zip);
            add(MODELS_MULTIPART, "field " + f[0] + "=" + describe(f[1]), "POST", "/models", m.type(), m.end());
        }
    }

    /** The ways to break a multipart body, on one endpoint. */
    private void multipart(Endpoint e, String path, String filename, String fileType, byte[] file, String[][] fields) {
        Multipart ok = new Multipart("abuse-boundary");
        for (String[] f : fields) {
            ok.field(f[0], f[1]);
        }
        ok.file("file", filename, fileType, file);
        byte[] whole = ok.end();
        String type = ok.type();
        add(e, "Content-Type without a boundary", "POST", path, "multipart/form-data", whole);
        add(e, "a boundary that is not the body's", "POST", path, "multipart/form-data; boundary=other", whole);
        add(e, "an empty boundary", "POST", path, "multipart/form-data; boundary=", whole);
        add(e, "a 200-character boundary", "POST", path, "multipart/form-data; boundary=" + "b".repeat(200), whole);
        add(e, "a quoted boundary with a quote inside", "POST", path, "multipart/form-data; boundary=\"a\"b\"", whole);
        add(e, "an empty body", "POST", path, type, new byte[0]);
        add(e, "only the closing boundary", "POST", path, type, utf8("--abuse-boundary--\r\n"));
        add(e, "no closing boundary", "POST", path, type, ok.open());
        add(e, "no closing boundary (chunked)", "POST", path, type, ok.open(), true);
        add(e, "LF line endings", "POST", path, type, new String(whole, StandardCharsets.ISO_8859_1)
                .replace("\r\n", "\n").getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < 12; i++) {
            int cut = 1 + random.nextInt(whole.length - 1);
            add(e, "truncated after " + cut + " of " + whole.length + " bytes", "POST", path, type,
                    Arrays.copyOf(whole, cut));
        }
        add(e, "truncated inside the part headers", "POST", path, type,
                utf8("--abuse-boundary\r\nContent-Disposition: form-data; na"));
        add(e, "a part without Content-Disposition", "POST", path, type,
                new Multipart("abuse-boundary").part("Content-Type: text/plain", file).end());
        add(e, "a Content-Disposition without a name", "POST", path, type,
                new Multipart("abuse-boundary").part("Content-Disposition: form-data; filename=\"" + filename + "\"",
                        file).end());
        add(e, "an unterminated quote in Content-Disposition", "POST", path, type,
                new Multipart("abuse-boundary").part("Content-Disposition: form-data; name=\"file; filename=\"x",
                        file).end());
        for (String name : new String[] {"files", "FILE", "", "file ", "data", "upload", "fi\u0000le", "\u00e9"}) {
            add(e, "the file in a part named " + describe(name), "POST", path, type,
                    new Multipart("abuse-boundary").file(name, filename, fileType, file).end());
        }
        add(e, "two file parts", "POST", path, type, new Multipart("abuse-boundary").file("file", filename, fileType,
                file).file("file", filename, fileType, file).end());
        Multipart many = new Multipart("abuse-boundary");
        for (int i = 0; i < 70; i++) {
            many.field("f" + i, "v");
        }
        add(e, "70 parts", "POST", path, type, many.file("file", filename, fileType, file).end());
        add(e, "a 1.1 MB form field", "POST", path, type, new Multipart("abuse-boundary")
                .field("name", "n".repeat(1_100_000)).file("file", filename, fileType, file).end());
        add(e, "a 20 KB part header", "POST", path, type, new Multipart("abuse-boundary")
                .part("Content-Disposition: form-data; name=\"file\"; filename=\"" + "h".repeat(20_000) + "\"", file)
                .end());
        for (String fn : new String[] {"../../etc/passwd", "C:\\windows\\x.csv", "a\u0000.csv", "\ud800.csv", ""}) {
            add(e, "a filename " + describe(fn), "POST", path, type, new Multipart("abuse-boundary")
                    .file("file", fn, fileType, file).end());
        }
        add(e, "a filename of invalid UTF-8", "POST", path, type, new Multipart("abuse-boundary").part(
                "Content-Disposition: form-data; name=\"file\"; filename=\"\u00ff\u00fe.csv\"", file).end());
        add(e, "a filename* with a bad escape", "POST", path, type, new Multipart("abuse-boundary").part(
                "Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''%zz", file).end());
        add(e, "a part Content-Type of garbage", "POST", path, type, new Multipart("abuse-boundary")
                .file("file", filename, ";;;/", file).end());
        add(e, "a 100 KB preamble", "POST", path, type, cat(utf8("p".repeat(100_000) + "\r\n"), whole));
        add(e, "a nested multipart/mixed part", "POST", path, type, new Multipart("abuse-boundary").part(
                "Content-Disposition: form-data; name=\"file\"\r\nContent-Type: multipart/mixed; boundary=inner",
                utf8("--inner\r\nContent-Type: text/plain\r\n\r\nx\r\n--inner--")).end());
        add(e, "a part header line without a colon", "POST", path, type, new Multipart("abuse-boundary").part(
                "Content-Disposition: form-data; name=\"file\"; filename=\"f\"\r\nno colon here", file).end());
        add(e, "a part header of invalid UTF-8", "POST", path, type, new Multipart("abuse-boundary")
                .bytes(utf8("--abuse-boundary\r\nContent-Disposition: form-data; name=\""))
                .bytes(new byte[] {(byte) 0xff, (byte) 0xc0}).bytes(utf8("\"\r\n\r\nv\r\n")).end());
        add(e, "a multipart body sent as form-urlencoded", "POST", path, "application/x-www-form-urlencoded", whole);
    }

    private void archives() {
        for (BadArchives.Case c : BadArchives.cases()) {
            String id = "abuse-ar-" + (++modelIds);
            add(MODELS_ARCHIVE, c.what(), "POST", "/models?id=" + id, c.contentType(), c.bytes());
            Multipart m = new Multipart("arch").field("id", "abuse-am-" + (++modelIds))
                    .file("file", "model.bin", c.contentType(), c.bytes());
            add(MODELS_MULTIPART, c.what(), "POST", "/models", m.type(), m.end());
        }
        byte[] cut = BadArchives.cases().get(0).bytes();
        add(MODELS_ARCHIVE, "an archive sent chunked and cut", "POST", "/models?id=abuse-chunk", "application/zip",
                Arrays.copyOf(cut, cut.length / 2), true);
        add(MODELS_ARCHIVE, "an archive with no id", "POST", "/models", "application/zip", cut);
        add(MODELS_ARCHIVE, "an archive type no handler takes", "POST", "/models?id=abuse-7z", "application/x-7z",
                cut);
    }

    // ---- actuator, documentation, unknown paths, the transport ------------------------------------------------

    private void actuator() {
        for (String p : new String[] {"/actuator/health/nosuch", "/actuator/health/%zz", "/actuator/health/model/x",
                "/actuator/health/readiness/x", "/actuator/health/liveness?x=%zz", "/actuator/health/" + "h".repeat(3000),
                "/actuator/health/%2e%2e", "/actuator/health/readiness%00", "/actuator/health;x"}) {
            add(HEALTH, "GET " + describe(p), "GET", p, null, null);
        }
        for (String m : new String[] {"POST", "PUT", "DELETE", "PATCH"}) {
            add(HEALTH, m + " /actuator/health", m, "/actuator/health", "application/json", utf8("{\"status\":\"DOWN\"}"));
            add(INFO, m + " /actuator/info", m, "/actuator/info", "application/json", utf8("{}"));
            add(PROMETHEUS, m + " /actuator/prometheus", m, "/actuator/prometheus", "application/json", utf8("{}"));
            add(METRICS, m + " /actuator/metrics", m, "/actuator/metrics", "application/json", utf8("{}"));
        }
        add(INFO, "GET /actuator/info/x", "GET", "/actuator/info/x", null, null);
        for (String a : new String[] {"application/openmetrics-text; version=9.9", "text/plain;version=0.0.1",
                "application/json", "text/html", "garbage"}) {
            add(PROMETHEUS, "Accept " + describe(a), "GET", "/actuator/prometheus", null, null, false,
                    List.<String[]>of(new String[] {"Accept", a}));
        }
        for (String q : new String[] {"includedNames=%zz", "includedNames=" + "n,".repeat(2000), "format=x"}) {
            add(PROMETHEUS, "?" + describe(q), "GET", "/actuator/prometheus?" + q, null, null);
        }
        for (String p : new String[] {"/actuator/metrics/nosuch", "/actuator/metrics/jvm.memory.used?tag=nocolon",
                "/actuator/metrics/jvm.memory.used?tag=area:nosuch", "/actuator/metrics/jvm.memory.used?tag=:",
                "/actuator/metrics/jvm.memory.used?tag=%zz", "/actuator/metrics/%2e%2e", "/actuator/metrics/a%2Fb",
                "/actuator/metrics/" + "m".repeat(3000), "/actuator/metrics/jvm.memory.used/x",
                "/actuator/metrics/jvm.memory.used?tag=area:heap&tag=area:heap&tag=" + "t".repeat(2000)}) {
            add(METRICS, "GET " + describe(p), "GET", p, null, null);
        }
        for (String p : new String[] {"/actuator/env", "/actuator/heapdump", "/actuator/threaddump",
                "/actuator/loggers", "/actuator/beans", "/actuator/configprops", "/actuator/mappings",
                "/actuator/nosuch", "/actuator/", "/actuator/%zz", "/actuator;x"}) {
            add(ACTUATOR, "GET " + describe(p), "GET", p, null, null);
        }
        add(ACTUATOR, "POST /actuator/shutdown", "POST", "/actuator/shutdown", "application/json", utf8("{}"));
        add(ACTUATOR, "POST /actuator/loggers/root", "POST", "/actuator/loggers/root", "application/json",
                utf8("{\"configuredLevel\": \"TRACE\"}"));
    }

    private void docsAndUnknown() {
        for (String p : new String[] {"/v3/api-docs/%zz", "/v3/api-docs/nosuch", "/v3/api-docs.yaml?group=%ED%A0%80",
                "/swagger-ui/../../etc/passwd", "/swagger-ui/%2e%2e/%2e%2e/etc/passwd", "/swagger-ui/nosuch.js",
                "/console/..%2f..%2fetc%2fpasswd", "/console/%2e%2e/", "/console/nosuch.js", "/webjars/%2e%2e/%2e%2e/",
                "/webjars/nosuch/1.0/x.js", "/console/%00", "/console;x=y", "/favicon.ico", "/%zz", "/%",
                "/index.html%00.txt", "/" + "p".repeat(5000), "/error", "/error?status=500", "/error/x"}) {
            add(DOCS, "GET " + describe(p), "GET", p, null, null);
        }
        for (String p : new String[] {"/nosuch", "/models/x/y/z", "/classify/x", "/train-jobs/x/y", "/datasets/x/y",
                "/classify-jobs/x/results/y", "/serving", "/serving/summary/x", "/replicas/x", "/.env", "/WEB-INF/web.xml",
                "/META-INF/MANIFEST.MF", "/%2e%2e/%2e%2e/etc/passwd", "//classify", "/models//", "/classify%20",
                "/CLASSIFY", "/classify.json", "/classify/", "/models/current/deploy", "/./classify",
                "/models/../classify"}) {
            add(UNKNOWN, "GET " + describe(p), "GET", p, null, null);
            add(UNKNOWN, "POST " + describe(p), "POST", p, "application/json", utf8("{\"text\": \"x\", \"x\": 1}"));
        }
        // No key and a cross-site origin: refused before anything reads the body.
        for (String p : new String[] {"/classify", "/models/x/deploy", "/datasets", "/train-jobs"}) {
            add(UNKNOWN, "a cross-site POST " + p + " without a key", "POST", p, "application/json", utf8("{"), false,
                    List.<String[]>of(new String[] {"Sec-Fetch-Site", "cross-site"}), null, Expect.FORBIDDEN);
        }
    }

    private void transport() {
        String host = "Host: 127.0.0.1:" + port + "\r\n";
        String auth = "Authorization: Bearer " + adminKey + "\r\n";
        String close = "Connection: close\r\n";
        String[] lines = {"GARBAGE\r\n\r\n", "GET\r\n\r\n",
                "GET /models HTTP/9.9\r\n" + host + auth + "\r\n", "GET /models HTTP/2.0\r\n" + host + auth + "\r\n",
                "GET /models HTTP/1.2\r\n" + host + auth + "\r\n", "GET /models HTTP/1\r\n" + host + "\r\n",
                "GET /models http/1.1\r\n" + host + "\r\n", "GET /models HTTP/1.1 extra\r\n" + host + "\r\n",
                "GET  /models HTTP/1.1\r\n" + host + auth + close + "\r\n",
                "GET /models HTTP/1.1\r\n" + auth + close + "\r\n",
                "GET /models HTTP/1.1\r\n" + host + host + auth + close + "\r\n",
                "GET /models HTTP/1.1\r\nHost: a b\r\n" + auth + close + "\r\n",
                "GET /models HTTP/1.1\r\nHost: 127.0.0.1:99999999\r\n" + auth + close + "\r\n",
                "GET http://evil.example/models HTTP/1.1\r\n" + host + auth + close + "\r\n",
                "GET * HTTP/1.1\r\n" + host + auth + close + "\r\n", "OPTIONS * HTTP/1.1\r\n" + host + close + "\r\n",
                "CONNECT 127.0.0.1:1 HTTP/1.1\r\n" + host + close + "\r\n",
                "FOO /models HTTP/1.1\r\n" + host + auth + close + "\r\n",
                "G@T /models HTTP/1.1\r\n" + host + close + "\r\n",
                "GET /models#frag HTTP/1.1\r\n" + host + auth + close + "\r\n",
                "GET /models?" + "q".repeat(20_000) + " HTTP/1.1\r\n" + host + auth + close + "\r\n",
                "GET /" + "p".repeat(70_000) + " HTTP/1.1\r\n" + host + auth + close + "\r\n",
                "GET /models HTTP/1.1\r\n" + host + auth + "X-Big: " + "h".repeat(16_000) + "\r\n" + close + "\r\n",
                "GET /models HTTP/1.1\r\n" + host + auth + "X-Big: " + "h".repeat(100_000) + "\r\n" + close + "\r\n",
                "GET /models HTTP/1.1\r\n" + host + auth + "X-Many: v\r\n".repeat(3000) + close + "\r\n",
                "GET /models HTTP/1.1\r\n" + host + auth + "Bad Header: x\r\n" + close + "\r\n",
                "GET /models HTTP/1.1\r\n" + host + auth + "NoColon\r\n" + close + "\r\n",
                "GET /models HTTP/1.1\r\n" + host + auth + "X-Fold: a\r\n folded\r\n" + close + "\r\n",
                "GET /models HTTP/1.1\r\n" + host + auth + "X-Nul: a\u0000b\r\n" + close + "\r\n",
                "GET /models HTTP/1.1\r\n" + host + auth + ": empty name\r\n" + close + "\r\n",
                "GET /models HTTP/1.1\n" + host.replace("\r\n", "\n") + auth.replace("\r\n", "\n") + close.replace("\r\n", "\n") + "\n",
                "GET /models HTTP/1.1\r\r\n" + host + close + "\r\n",
                "GET /models HTTP/1.0\r\n" + auth + "\r\n",
                "GET /models HTTP/1.1\r\n" + host + "Authorization: Bearer \r\n" + close + "\r\n",
                "GET /models HTTP/1.1\r\n" + host + "Authorization: Bearer " + "k".repeat(7000) + "\r\n" + close + "\r\n",
                "GET /models HTTP/1.1\r\n" + host + "Authorization: Basic !!!\r\n" + close + "\r\n",
                "GET /models HTTP/1.1\r\n" + host + auth + "Authorization: Bearer other\r\n" + close + "\r\n",
                "GET /models HTTP/1.1\r\n" + host + "X-API-Key: \u00ff\u00fe\r\n" + close + "\r\n",
                "GET /models HTTP/1.1\r\n" + host + auth + "Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
                "GET /models HTTP/1.1\r\n" + host + auth + "Upgrade: h2c\r\nHTTP2-Settings: !!!\r\n"
                        + "Connection: Upgrade, HTTP2-Settings\r\n\r\n",
                "GET /models HTTP/1.1\r\n" + host + auth + "Expect: bogus\r\n" + close + "\r\n",
                "GET /models/a%2Fb HTTP/1.1\r\n" + host + auth + close + "\r\n",
                "GET /models/a%5Cb HTTP/1.1\r\n" + host + auth + close + "\r\n",
                "GET /models/..%2F..%2Fetc HTTP/1.1\r\n" + host + auth + close + "\r\n",
                "GET /models/..;/x HTTP/1.1\r\n" + host + auth + close + "\r\n",
                "GET /%zz HTTP/1.1\r\n" + host + auth + close + "\r\n",
                "GET /models/% HTTP/1.1\r\n" + host + auth + close + "\r\n",
                "GET /models/%00 HTTP/1.1\r\n" + host + auth + close + "\r\n",
                "GET /models/%C0%AF HTTP/1.1\r\n" + host + auth + close + "\r\n",
                "GET //models HTTP/1.1\r\n" + host + auth + close + "\r\n",
                "GET /./models HTTP/1.1\r\n" + host + auth + close + "\r\n",
                "GET /../models HTTP/1.1\r\n" + host + auth + close + "\r\n",
                "GET models HTTP/1.1\r\n" + host + auth + close + "\r\n",
                "GET /models\u0001 HTTP/1.1\r\n" + host + auth + close + "\r\n",
                "GET /models/\u00ff HTTP/1.1\r\n" + host + auth + close + "\r\n"};
        for (String l : lines) {
            rawBytes(TRANSPORT, "request " + describe(l.length() > 80 ? l.substring(0, 80) : l), true,
                    l.getBytes(StandardCharsets.ISO_8859_1));
        }
        for (String l : new String[] {"\r\n\r\n\r\n", "GET /\r\n\r\n", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"}) {
            raws.add(new Abuse(TRANSPORT.name(), "no HTTP/1.1 request: " + describe(l), null,
                    l.getBytes(StandardCharsets.ISO_8859_1), true, true, Expect.ANY));
        }
        String body = "{\"text\": \"x\"}";
        String post = "POST /classify HTTP/1.1\r\n" + host + auth + close + "Content-Type: application/json\r\n";
        String[][] framing = {
                {"Content-Length -1", "Content-Length: -1\r\n\r\n" + body},
                {"Content-Length abc", "Content-Length: abc\r\n\r\n" + body},
                {"Content-Length 1, 2", "Content-Length: 1, 2\r\n\r\n" + body},
                {"two different Content-Length", "Content-Length: 3\r\nContent-Length: 13\r\n\r\n" + body},
                {"a Content-Length past 2^64", "Content-Length: 99999999999999999999\r\n\r\n" + body},
                {"a Content-Length longer than the body", "Content-Length: 50\r\n\r\n" + body},
                {"Content-Length with chunked", "Content-Length: 13\r\nTransfer-Encoding: chunked\r\n\r\nd\r\n" + body
                        + "\r\n0\r\n\r\n"},
                {"Transfer-Encoding gzip", "Transfer-Encoding: gzip\r\n\r\n" + body},
                {"Transfer-Encoding chunked, gzip", "Transfer-Encoding: chunked, gzip\r\n\r\n" + body},
                {"Transfer-Encoding identity", "Transfer-Encoding: identity\r\n\r\n" + body},
                {"Transfer-Encoding xchunked", "Transfer-Encoding: xchunked\r\n\r\n" + body},
                {"a chunk size zz", "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + body + "\r\n0\r\n\r\n"},
                {"a chunk size past 2^64", "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n" + body
                        + "\r\n0\r\n\r\n"},
                {"a 10 KB chunk extension", "Transfer-Encoding: chunked\r\n\r\nd;" + "e".repeat(10_000) + "\r\n"
                        + body + "\r\n0\r\n\r\n"},
                {"no last chunk", "Transfer-Encoding: chunked\r\n\r\nd\r\n" + body + "\r\n"},
                {"a 20 KB trailer", "Transfer-Encoding: chunked\r\n\r\nd\r\n" + body + "\r\n0\r\nX-T: "
                        + "t".repeat(20_000) + "\r\n\r\n"},
                {"a chunk shorter than its size", "Transfer-Encoding: chunked\r\n\r\n20\r\n" + body + "\r\n0\r\n\r\n"},
                {"a chunk without CRLF", "Transfer-Encoding: chunked\r\n\r\nd\r\n" + body + "0\r\n\r\n"},
                {"Expect 100-continue with a body over the limit", "Expect: 100-continue\r\nContent-Length: 9000000\r\n\r\n"},
                {"Content-Encoding gzip on plain bytes", "Content-Encoding: gzip\r\nContent-Length: 13\r\n\r\n" + body},
                {"a pipelined second request of garbage", "Content-Length: 13\r\n\r\n" + body + "GARBAGE\r\n\r\n"}};
        for (String[] f : framing) {
            rawBytes(CLASSIFY, f[0], true, (post + f[1]).getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    // ---- keys -------------------------------------------------------------------------------------------------

    /**
     * Some of the requests again without a key, with a key no entry has, and with the classify key where the admin
     * key is needed: refused before anything else reads them, with 401 or 403.
     */
    private void keys() {
        List<Spec> again = new ArrayList<>();
        for (Spec s : specs) {
            // Only requests the container and the firewall take as they are reach the key check.
            boolean clean = CLEAN_TARGET.matcher(s.target()).matches() && !s.target().contains("..")
                    && !s.target().contains("//") && !s.target().contains("/./") && !s.target().endsWith("/.")
                    && s.target().length() < 4000 && !s.target().startsWith("/META-INF")
                    && !s.target().startsWith("/WEB-INF")
                    && !s.target().startsWith("/error") && (s.body() == null || s.body().length < 32 * 1024)
                    && List.of("GET", "POST", "DELETE").contains(s.method()) && s.expect() == Expect.ANY
                    && s.headers().stream().allMatch(h -> h[1] == null || CLEAN_TARGET.matcher(h[1].replace(" ", ""))
                    .matches() || h[1].startsWith("application/json") || h[1].startsWith("multipart/"));
            if (!clean || random.nextInt(8) != 0) {
                continue;
            }
            again.add(s.withKey("not-a-key-" + random.nextInt(1000), Expect.UNAUTHORIZED, "(a wrong key)"));
            if (s.endpoint().role() != Role.OPEN) {
                again.add(s.withKey(null, Expect.UNAUTHORIZED, "(no key)"));
            }
            // The endpoint's role is its own method's: another method on the path may need another role.
            if (s.endpoint().role() == Role.ADMIN && s.endpoint() != ACTUATOR
                    && s.method().equals(s.endpoint().method())) {
                again.add(s.withKey(classifyKey, Expect.FORBIDDEN, "(the classify key)"));
            }
        }
        specs.addAll(again);
    }

    // ---- building ---------------------------------------------------------------------------------------------

    private void add(Endpoint e, String what, String method, String target, String type, byte[] body) {
        add(e, what, method, target, type, body, false);
    }

    private void add(Endpoint e, String what, String method, String target, String type, byte[] body, boolean chunked) {
        add(e, what, method, target, type, body, chunked, List.of());
    }

    private void add(Endpoint e, String what, String method, String target, String type, byte[] body, boolean chunked,
                     List<String[]> extra) {
        add(e, what, method, target, type, body, chunked, extra, adminKey, Expect.ANY);
    }

    private void add(Endpoint e, String what, String method, String target, String type, byte[] body, boolean chunked,
                     List<String[]> extra, String key, Expect expect) {
        List<String[]> headers = new ArrayList<>(extra);
        if (type != null) {
            headers.add(new String[] {"Content-Type", type});
        }
        specs.add(new Spec(e, what, method, target, headers, body, chunked, key, expect));
    }

    /** A request that goes out as raw bytes, built from its parts. */
    private void rawSpec(Endpoint e, String what, String method, String target, List<String[]> headers, byte[] body) {
        raws.add(new Abuse(e.name(), what, null, rawRequest(method, target, headers, body, false, adminKey),
                !STANDARD_METHODS.contains(method), false, Expect.ANY));
    }

    /** A request that goes out as these bytes exactly. */
    private void rawBytes(Endpoint e, String what, boolean transport, byte[] bytes) {
        raws.add(new Abuse(e.name(), what, null, bytes, transport, false, Expect.ANY));
    }

    private byte[] head(String method, String target, String key, String... headers) {
        StringBuilder b = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
        if (key != null) {
            b.append("Authorization: Bearer ").append(key).append("\r\n");
        }
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        return b.append("Connection: close\r\n\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private Abuse build(Spec s) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + s.target()))
                    .timeout(Duration.ofSeconds(60));
            for (String[] h : s.headers()) {
                if (h[1] != null) {
                    b.header(h[0], h[1]);
                }
            }
            if (s.key() != null) {
                b.header("Authorization", "Bearer " + s.key());
            }
            byte[] body = s.body();
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : s.chunked() ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                    : HttpRequest.BodyPublishers.ofByteArray(body);
            b.method(s.method(), publisher);
            return new Abuse(s.endpoint().name(), s.what(), b.build(), null, !STANDARD_METHODS.contains(s.method()),
                    false, s.expect());
        } catch (IllegalArgumentException e) {
            // A target or header HttpClient will not send as it is: the same request as raw bytes.
            return new Abuse(s.endpoint().name(), s.what(), null, rawRequest(s.method(), s.target(), s.headers(),
                    s.body(), s.chunked(), s.key()), !STANDARD_METHODS.contains(s.method()), false, s.expect());
        }
    }

    private byte[] rawRequest(String method, String target, List<String[]> headers, byte[] body, boolean chunked,
                              String key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder h = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
        if (key != null) {
            h.append("Authorization: Bearer ").append(key).append("\r\n");
        }
        for (String[] header : headers) {
            if (header[1] != null) {
                h.append(header[0]).append(": ").append(header[1]).append("\r\n");
            }
        }
        if (body != null) {
            h.append(chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n");
        }
        h.append("Connection: close\r\n\r\n");
        // Latin-1 puts each char of the line in one byte, as a client sending raw octets would.
        out.writeBytes(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            if (chunked) {
                for (int off = 0; off < body.length; off += 8192) {
                    int n = Math.min(8192, body.length - off);
                    out.writeBytes(utf8(Integer.toHexString(n) + "\r\n"));
                    out.write(body, off, n);
                    out.writeBytes(utf8("\r\n"));
                }
                out.writeBytes(utf8("0\r\n\r\n"));
            } else {
                out.writeBytes(body);
            }
        }
        return out.toByteArray();
    }
}
