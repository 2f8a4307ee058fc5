package dev.tagger.bench;

import dev.tagger.datasets.DatasetFiles;
import dev.tagger.datasets.DatasetReport;
import dev.tagger.datasets.Example;
import dev.tagger.io.Json;
import dev.tagger.training.CrossFit;
import dev.tagger.training.Evaluation;
import dev.tagger.training.LabelledTexts;

import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The {@code longtext} command: how much a long document loses when it is cut after max_tokens, against reading it
 * whole in windows. Documents are made from GoEmotions: consecutive runs of {@code min..max} texts of a file joined by
 * a space, labelled with the union of their labels, so most of a document's evidence sits after its first 128 tokens.
 * Each document goes to a running service's /classify with {@code long_text=truncate} and with
 * {@code long_text=chunk} (max and mean aggregation); macro-F1 is measured with the model's own thresholds and
 * with thresholds cross-fitted on the documents (tuned on one half, measured on the other, both ways).
 *
 * <p>{@code longtext --url U --dev FILE --out FILE [--min 10] [--max 20] [--seed 42]}: writes a markdown section.
 */
final class LongTextBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    /** Documents per /classify request (tagger.api.max-texts is 64; long documents make for large batches). */
    private static final int PER_REQUEST = 16;

    private LongTextBench() {
    }

    /** Joins consecutive runs of {@code min..max} examples (seeded lengths) into documents labelled by the union. */
    static List<Example> documents(List<Example> examples, int min, int max, long seed) {
        Random random = new Random(seed);
        List<Example> out = new ArrayList<>();
        int at = 0;
        while (at < examples.size()) {
            int n = min + random.nextInt(max - min + 1);
            if (at + n > examples.size()) {
                break;
            }
            StringBuilder text = new StringBuilder();
            Set<String> labels = new LinkedHashSet<>();
            for (Example e : examples.subList(at, at + n)) {
                if (!text.isEmpty()) {
                    text.append(' ');
                }
                text.append(e.text());
                labels.addAll(e.labels());
            }
            out.add(new Example(text.toString(), List.copyOf(labels)));
            at += n;
        }
        return out;
    }

    static void command(BenchArgs a) throws Exception {
        Path dev = Path.of(a.string("dev"));
        DatasetReport file = DatasetFiles.readGoEmotions(dev, dev.resolveSibling("labels.txt"));
        List<Example> examples = file.examples();
        List<String> labelList = file.labels();
        List<Example> docs = documents(examples, a.integer("min", 10), a.integer("max", 20), a.integer("seed", 42));
        String url = a.string("url");
        String base = url.endsWith("/") ? url : url + "/";
        JsonNode model = BulkBench.get(base, "models/current");
        List<String> labels = new ArrayList<>();
        model.get("labels").forEach(l -> labels.add(l.asString()));
        if (!labels.equals(labelList)) {
            throw new IllegalStateException("the served model's labels are not GoEmotions': " + labels);
        }
        float[] thresholds = new float[labels.size()];
        for (int j = 0; j < labels.size(); j++) {
            thresholds[j] = (float) model.at("/thresholds/" + labels.get(j)).asDouble();
        }
        LabelledTexts truth = LabelledTexts.of(docs, labels);

        Map<String, Map<String, Object>> modes = new LinkedHashMap<>();
        modes.put("truncate (first 128 tokens)", Map.of("long_text", "truncate"));
        modes.put("chunk, max over windows", Map.of("long_text", "chunk", "aggregation", "max"));
        modes.put("chunk, mean over windows", Map.of("long_text", "chunk", "aggregation", "mean"));
        StringBuilder table = new StringBuilder("| reading | mean windows | macro-F1, model's thresholds | "
                + "macro-F1, cross-fitted thresholds | micro-F1, model's thresholds |\n| --- | ---: | ---: | ---: | ---: |\n");
        double truncatedShare = 0;
        for (Map.Entry<String, Map<String, Object>> mode : modes.entrySet()) {
            float[][] probs = new float[docs.size()][];
            long windows = 0;
            int truncated = 0;
            for (int from = 0; from < docs.size(); from += PER_REQUEST) {
                List<String> texts = docs.subList(from, Math.min(docs.size(), from + PER_REQUEST)).stream()
                        .map(Example::text).toList();
                Map<String, Object> body = new LinkedHashMap<>(mode.getValue());
                body.put("texts", texts);
                body.put("all_scores", true);
                JsonNode r = post(base + "classify", Json.MAPPER.writeValueAsString(body));
                for (int i = 0; i < texts.size(); i++) {
                    JsonNode res = r.get("results").get(i);
                    float[] p = new float[labels.size()];
                    for (int j = 0; j < p.length; j++) {
                        p[j] = (float) res.at("/scores/" + labels.get(j)).asDouble();
                    }
                    probs[from + i] = p;
                    windows += res.path("windows").asInt(1);
                    truncated += res.path("truncated").asBoolean(false) ? 1 : 0;
                }
            }
            if (mode.getValue().get("long_text").equals("truncate")) {
                truncatedShare = (double) truncated / docs.size();
            }
            Evaluation.Report report = Evaluation.evaluate(labels, probs, truth.truth(), thresholds);
            double crossFit = CrossFit.macroF1(probs, truth, 5);
            OrtPeer.log("%s: macro-F1 %.4f (cross-fitted %.4f), %.2f windows a document", mode.getKey(),
                    report.macroF1(), crossFit, (double) windows / docs.size());
            table.append(String.format(Locale.ROOT, "| %s | %.2f | %.4f | %.4f | %.4f |%n", mode.getKey(),
                    (double) windows / docs.size(), report.macroF1(), crossFit, report.microF1()));
        }
        String out = String.format(Locale.ROOT, "%d documents of %d to %d consecutive texts of %s (seed %d), labels "
                + "the union of theirs; %.0f%% of them are longer than the model's %s tokens.%n%n", docs.size(),
                a.integer("min", 10), a.integer("max", 20), dev.getFileName(), a.integer("seed", 42),
                100 * truncatedShare, model.path("max_tokens").asString()) + table;
        Files.writeString(Path.of(a.string("out")), out);
        System.out.print(out);
    }

    private static JsonNode post(String uri, String json) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("POST " + uri + " answered " + r.statusCode() + ": " + r.body());
        }
        return Json.MAPPER.readTree(r.body());
    }
}
