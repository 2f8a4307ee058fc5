package dev.tagger.api;

import dev.tagger.model.format.Safetensors;
import dev.tagger.model.format.OnnxWeights;
import dev.tagger.model.HostTensor;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.nn.ScriptedEncoder;
import dev.tagger.model.nn.TaggerModel;
import dev.tagger.ServiceTestBase;
import dev.tagger.catalog.ModelCatalog;
import dev.tagger.model.TinyBert;
import dev.tagger.model.format.Archives;

import ai.djl.Device;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import java.util.Set;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /models (path, zip, tar.gz, multipart), validation failures, and GET /models/{id}/export round trips. */
class ModelImportApiTest extends ServiceTestBase {

    private static final String DEFAULT_MODEL = "goemotions-minilm";

    @Autowired
    ModelCatalog registry;

    @TempDir
    Path tmp;

    private final List<String> created = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        if (!json(get("/models/current")).get("id").asString().equals(DEFAULT_MODEL)) {
            post("/models/" + DEFAULT_MODEL + "/deploy", "");
        }
        for (String id : created) {
            delete("/models/" + id);
        }
    }

    private String newId(String prefix) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        created.add(id);
        return id;
    }

    private HttpResponse<String> registerPath(String id, Path dir, String extra) throws Exception {
        return post("/models", "{\"id\": \"" + id + "\", \"path\": " + JSON.writeValueAsString(importable(dir).toString())
                + extra + "}");
    }

    @Test
    void aCheckpointDirectoryIsValidatedStoredAndListed() throws Exception {
        String id = newId("tiny-path");
        HttpResponse<String> r = registerPath(id, TinyBert.hfDir(), ", \"threshold\": 0.4, \"thresholds\": {\"anger\": 0.6}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("Location")).contains("/models/" + id);
        JsonNode b = json(r);
        assertThat(b.get("labels").toString()).isEqualTo("[\"joy\",\"anger\",\"surprise\"]");
        assertThat(b.get("pooling").asString()).isEqualTo("pooler");
        assertThat(b.at("/thresholds/anger").asDouble()).isEqualTo(0.6, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(b.at("/thresholds/joy").asDouble()).isEqualTo(0.4, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(b.get("parameters").asLong()).isGreaterThan(20_000);
        assertThat(b.get("size_on_disk_bytes").asLong()).isGreaterThan(100_000);
        assertThat(b.at("/probe/latency_ms").asDouble()).isPositive();
        assertThat(b.at("/probe/probabilities").size()).isEqualTo(3);
        assertThat(b.get("ignored_tensors").size()).isZero();

        JsonNode list = json(get("/models"));
        List<String> ids = new ArrayList<>();
        list.get("items").forEach(i -> ids.add(i.get("id").asString()));
        assertThat(ids).contains(id);
        assertThat(json(get("/models/" + id)).at("/card/registered/source").asString()).contains("tiny-bert-hf");

        assertThat(registerPath(id, TinyBert.hfDir(), "").statusCode()).isEqualTo(409);
        assertThat(post("/models", "{\"id\": \"../x\", \"path\": \"/tmp\"}").statusCode()).isEqualTo(422);
        assertThat(post("/models", "{\"id\": \"ok-id\", \"path\": \"/no/such/dir\"}").statusCode()).isEqualTo(422);
        assertThat(send(HttpRequest.newBuilder(uri("/models")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")), CLASSIFY_KEY).statusCode()).isEqualTo(403);
    }

    @Test
    void zipTarGzAndMultipartUploadsAreAccepted() throws Exception {
        Map<String, byte[]> files = fixtureFiles();
        String zipId = newId("tiny-zip");
        HttpResponse<String> r = post("/models?id=" + zipId, zip("tiny-bert/", files), "application/zip");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);

        String tgzId = newId("tiny-tgz");
        r = post("/models?id=" + tgzId + "&threshold=0.25", Archives.tarGz("tiny", files), "application/gzip");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(json(r).at("/thresholds/joy").asDouble()).isEqualTo(0.25);

        String mpId = newId("tiny-mp");
        String boundary = "----tagger" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n" + mpId + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"tiny.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(zip("", files));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        r = post("/models", body.toByteArray(), "multipart/form-data; boundary=" + boundary);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Test
    void unsafeOrBrokenUploadsAreRefusedAndNothingIsStored() throws Exception {
        String servingBefore = json(get("/models/current")).get("version").asString();
        Map<String, byte[]> evil = new LinkedHashMap<>(fixtureFiles());
        evil.put("../../evil.txt", "x".getBytes(StandardCharsets.UTF_8));
        String id = newId("tiny-evil");
        HttpResponse<String> r = post("/models?id=" + id, zip("", evil), "application/zip");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(json(r).get("detail").asString()).contains("leaves the archive");
        assertThat(get("/models/" + id).statusCode()).isEqualTo(404);

        r = post("/models?id=" + id, "not an archive".getBytes(StandardCharsets.UTF_8), "application/octet-stream");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(json(r).get("detail").asString()).contains("not a zip, tar or tar.gz");

        Path missing = TinyBert.copy(tmp.resolve("missing"), t -> {
            t.remove("bert.encoder.layer.0.attention.self.key.bias");
            return t;
        }, c -> c);
        r = post("/models?id=" + id, zip("", filesOf(missing)), "application/zip");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(json(r).get("detail").asString()).contains("encoder.layer.0.attention.self.key.bias");

        Path single = TinyBert.copy(tmp.resolve("single"), t -> t, c -> c.put("problem_type", "single_label_classification"));
        r = registerPath(id, single, "");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(json(r).get("detail").asString()).contains("problem_type_override");

        assertThat(get("/models/" + id).statusCode()).isEqualTo(404);
        assertThat(json(get("/models/current")).get("version").asString()).isEqualTo(servingBefore);
    }

    @Test
    void exportIsAHuggingFaceCheckpointThatRegistersBackToTheSameProbabilities() throws Exception {
        String id = newId("tiny-orig");
        assertThat(registerPath(id, TinyBert.hfDir(), "").statusCode()).isEqualTo(201);
        HttpResponse<byte[]> ex = HTTP.send(HttpRequest.newBuilder(uri("/models/" + id + "/export"))
                .header("Authorization", "Bearer " + ADMIN_KEY).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(ex.statusCode()).isEqualTo(200);
        assertThat(ex.headers().firstValue("Content-Type")).contains("application/gzip");
        Map<String, byte[]> files = untarGz(ex.body());
        assertThat(files.keySet()).containsExactlyInAnyOrder(id + "/config.json", id + "/model.safetensors",
                id + "/tokenizer.json", id + "/thresholds.json", id + "/card.json");

        // config.json: the keys save_pretrained writes for BertForSequenceClassification.
        JsonNode config = JSON.readTree(files.get(id + "/config.json"));
        JsonNode original = JSON.readTree(Files.readAllBytes(TinyBert.hfDir().resolve("config.json")));
        for (String key : List.of("architectures", "model_type", "problem_type", "id2label", "label2id", "vocab_size",
                "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "hidden_act",
                "hidden_dropout_prob", "attention_probs_dropout_prob", "max_position_embeddings", "type_vocab_size",
                "initializer_range", "layer_norm_eps", "pad_token_id", "position_embedding_type", "classifier_dropout",
                "torch_dtype")) {
            assertThat(config.get(key)).as(key).isEqualTo(original.get(key));
        }
        assertThat(config.get("transformers_version").isString()).isTrue();
        assertThat(config.at("/id2label/0").asString()).isEqualTo("joy");

        // model.safetensors, read with plain JSON: same names, shapes and F32 data as the checkpoint.
        byte[] st = files.get(id + "/model.safetensors");
        assertThat(TinyBert.header(st).at("/__metadata__/format").asString()).isEqualTo("pt");
        Map<String, TinyBert.Raw> exported = TinyBert.read(st);
        Map<String, TinyBert.Raw> source = TinyBert.read(Files.readAllBytes(TinyBert.hfDir().resolve("model.safetensors")));
        assertThat(exported.keySet()).isEqualTo(source.keySet());
        assertThat(exported.keySet()).allMatch(n -> n.startsWith("bert.") || n.startsWith("classifier."));
        for (String n : source.keySet()) {
            assertThat(exported.get(n).dtype()).isEqualTo("F32");
            assertThat(exported.get(n).shape()).as(n).containsExactly(source.get(n).shape());
            assertThat(exported.get(n).data()).as(n).isEqualTo(source.get(n).data());
        }

        // The export registers again, under another id, with identical probabilities.
        String back = newId("tiny-back");
        HttpResponse<String> r = post("/models?id=" + back, ex.body(), "application/gzip");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        List<String> texts = new ArrayList<>();
        TinyBert.reference().get("items").forEach(i -> texts.add(i.get("text").asString()));
        float[][] a = probabilities(registry.load(id), texts);
        float[][] b = probabilities(registry.load(back), texts);
        assertThat(b).isDeepEqualTo(a);
        for (int i = 0; i < texts.size(); i++) {
            for (int k = 0; k < 3; k++) {
                assertThat((double) a[i][k]).isCloseTo(TinyBert.reference().at("/items/" + i + "/probabilities/" + k)
                        .asDouble(), org.assertj.core.data.Offset.offset(2e-6));
            }
        }
    }

    @Test
    void aRegisteredModelDeploysAndServes() throws Exception {
        String id = newId("tiny-serve");
        assertThat(registerPath(id, TinyBert.hfDir(), "").statusCode()).isEqualTo(201);
        assertThat(post("/models/" + id + "/deploy", "").statusCode()).isEqualTo(200);
        JsonNode ref = TinyBert.reference().at("/items/1");
        JsonNode r = json(post("/classify", "{\"texts\": [" + JSON.writeValueAsString(ref.get("text").asString()) + "]}"));
        assertThat(r.at("/model/id").asString()).isEqualTo(id);
        double served = r.at("/results/0/scores/surprise").asDouble();
        // The service runs the int8 encoder (the default precision): the same numbers as that encoder in-process,
        // and within int8's error of the fp32 reference computed by Hugging Face transformers.
        try (TaggerModel m = TaggerModel.loadForServing(registry.load(id), Device.cpu(), ScriptedEncoder.Precision.INT8)) {
            float[][] p = m.probabilities(List.of(m.tokenizer().tokenize(ref.get("text").asString())));
            assertThat(served).isCloseTo(p[0][2], org.assertj.core.data.Offset.offset(1e-6));
        }
        assertThat(served).isCloseTo(ref.at("/probabilities/2").asDouble(), org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void aMeanPooledModelExportsAsASentenceTransformersFolderThatGivesTheSameProbabilities() throws Exception {
        HttpResponse<byte[]> ex = HTTP.send(HttpRequest.newBuilder(uri("/models/" + DEFAULT_MODEL + "/export"))
                .header("Authorization", "Bearer " + ADMIN_KEY).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(ex.statusCode()).as(new String(ex.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        Map<String, byte[]> files = untarGz(ex.body());
        String d = DEFAULT_MODEL + "/";
        assertThat(files.keySet()).contains(d + "modules.json", d + "1_Pooling/config.json", d + "config.json",
                d + "model.safetensors", d + "tokenizer.json", d + "sentence_bert_config.json",
                d + "tagger_head.safetensors", d + "labels.json", d + "thresholds.json", d + "apply_head.py");

        // modules.json: Transformer, mean Pooling, Normalize, as sentence-transformers' own all-MiniLM-L6-v2 has.
        JsonNode modules = JSON.readTree(files.get(d + "modules.json"));
        List<String> types = new ArrayList<>();
        modules.forEach(m -> types.add(m.get("type").asString()));
        assertThat(types).containsExactly("sentence_transformers.models.Transformer",
                "sentence_transformers.models.Pooling", "sentence_transformers.models.Normalize");
        JsonNode pooling = JSON.readTree(files.get(d + "1_Pooling/config.json"));
        assertThat(pooling.get("pooling_mode_mean_tokens").asBoolean()).isTrue();
        assertThat(pooling.get("pooling_mode_cls_token").asBoolean()).isFalse();
        assertThat(pooling.get("word_embedding_dimension").asInt()).isEqualTo(384);
        assertThat(JSON.readTree(files.get(d + "config.json")).at("/architectures/0").asString()).isEqualTo("BertModel");

        // The encoder's tensors carry BertModel's names: those of the all-MiniLM-L6-v2 ONNX graph, which was exported
        // from the sentence-transformers model itself.
        Map<String, HostTensor> encoder = Safetensors.read(new ByteArrayInputStream(files.get(d + "model.safetensors")));
        Map<String, HostTensor> head = Safetensors.read(new ByteArrayInputStream(files.get(d + "tagger_head.safetensors")));
        Set<String> onnxNames;
        try (InputStream onnx = getClass().getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            onnxNames = OnnxWeights.read(onnx).keySet();
        }
        assertThat(onnxNames).containsAll(encoder.keySet());
        assertThat(encoder).hasSize(5 + 6 * 16);
        assertThat(head.keySet()).containsExactlyInAnyOrder("classifier.weight", "classifier.bias");
        assertThat(new String(files.get(d + "apply_head.py"), StandardCharsets.UTF_8))
                .contains("SentenceTransformer(").contains("torch.sigmoid");

        // Read back as sentence-transformers reads it (pooling from 1_Pooling, normalisation from modules.json), the
        // head applied as apply_head.py does, through our own loader: the served model's probabilities.
        Map<String, HostTensor> all = new LinkedHashMap<>();
        encoder.forEach((n, t) -> all.put("bert." + n, t));
        all.putAll(head);
        ByteArrayOutputStream weights = new ByteArrayOutputStream();
        Safetensors.write(all, Map.of("format", "pt"), weights);
        tools.jackson.databind.node.ObjectNode config = (tools.jackson.databind.node.ObjectNode) JSON.readTree(
                files.get(d + "config.json"));
        config.putArray("architectures").add("BertForSequenceClassification");
        config.put("problem_type", "multi_label_classification");
        config.remove("tagger");
        tools.jackson.databind.node.ObjectNode tagger = config.putObject("tagger");
        tagger.put("pooling", pooling.get("pooling_mode_mean_tokens").asBoolean() ? "mean" : "cls");
        tagger.put("normalize", types.contains("sentence_transformers.models.Normalize"));
        Map<String, byte[]> checkpoint = new LinkedHashMap<>();
        checkpoint.put("config.json", JSON.writeValueAsBytes(config));
        checkpoint.put("model.safetensors", weights.toByteArray());
        checkpoint.put("tokenizer.json", files.get(d + "tokenizer.json"));
        checkpoint.put("thresholds.json", files.get(d + "thresholds.json"));
        String back = newId("st-back");
        HttpResponse<String> r = post("/models?id=" + back, zip("", checkpoint), "application/zip");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        List<String> texts = List.of("Thank you so much, this made my day!", "I waited two weeks, not happy.",
                "Wait, how does this even work?", "lol");
        float[][] a = probabilities(registry.load(DEFAULT_MODEL), texts);
        float[][] b = probabilities(registry.load(back), texts);
        for (int i = 0; i < texts.size(); i++) {
            for (int k = 0; k < a[i].length; k++) {
                assertThat((double) b[i][k]).as("text %d label %d", i, k).isCloseTo(a[i][k],
                        org.assertj.core.data.Offset.offset(1e-5));
            }
        }
        assertThat(registry.load(back).thresholdMap()).isEqualTo(registry.load(DEFAULT_MODEL).thresholdMap());
        delete("/models/" + back);
    }

    @Test
    void anyBertModelExportsAsATorchScriptModuleThatOurLoaderRunsToTheSameProbabilities(@TempDir Path dir)
            throws Exception {
        HttpResponse<byte[]> ex = HTTP.send(HttpRequest.newBuilder(uri("/models/" + DEFAULT_MODEL
                        + "/export?format=torchscript")).header("Authorization", "Bearer " + ADMIN_KEY).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(ex.statusCode()).as(new String(ex.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        Map<String, byte[]> files = untarGz(ex.body());
        String d = DEFAULT_MODEL + "/";
        assertThat(files.keySet()).contains(d + "model.pt", d + "tokenizer.json", d + "labels.json",
                d + "thresholds.json", d + "config.json");
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Files.write(dir.resolve(e.getKey().substring(d.length())), e.getValue());
        }
        // a TorchScript archive (a zip with the module's code), its weights inside: no file refers to another
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(dir.resolve("model.pt").toFile())) {
            List<String> entries = zip.stream().map(java.util.zip.ZipEntry::getName).toList();
            assertThat(entries).anyMatch(n -> n.contains("/code/")).anyMatch(n -> n.contains("/data/"));
        }
        assertThat(files.get(d + "model.pt").length).as("fp32 weights inside").isGreaterThan(80_000_000);

        ModelBundle served = registry.load(DEFAULT_MODEL);
        List<String> labels = new ArrayList<>();
        JSON.readTree(files.get(d + "labels.json")).forEach(l -> labels.add(l.asString()));
        assertThat(labels).isEqualTo(served.labels());
        List<String> texts = List.of("Thank you so much, this made my day!", "I waited two weeks, not happy.",
                "Wait, how does this even work? " + "I am so confused by all of this. ".repeat(10), "lol");
        float[][] expected = probabilities(served, texts);
        try (dev.tagger.model.nn.TorchScriptModel m = dev.tagger.model.nn.TorchScriptModel.load(dir, labels,
                files.get(d + "tokenizer.json"), Device.cpu(), served.maxTokens())) {
            // all texts in one padded batch (the long one pads the rest), then each alone
            float[][] batched = m.probabilities(texts.stream().map(m.tokenizer()::tokenize).toList());
            for (int i = 0; i < texts.size(); i++) {
                float[] alone = m.probabilities(List.of(m.tokenizer().tokenize(texts.get(i))))[0];
                for (int k = 0; k < labels.size(); k++) {
                    assertThat((double) batched[i][k]).as("text %d label %d", i, k).isCloseTo(expected[i][k],
                            org.assertj.core.data.Offset.offset(1e-5));
                    assertThat((double) alone[k]).isCloseTo(expected[i][k], org.assertj.core.data.Offset.offset(1e-5));
                }
            }
        }
    }

    @Test
    void anExportFormatTheModelHasNoEquivalentInIsRefused() throws Exception {
        HttpResponse<String> hf = get("/models/" + DEFAULT_MODEL + "/export?format=hf");
        assertThat(hf.statusCode()).isEqualTo(409);
        assertThat(json(hf).get("detail").asString()).contains("mean").contains("BertForSequenceClassification");
        HttpResponse<String> bad = get("/models/" + DEFAULT_MODEL + "/export?format=onnx");
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(json(bad).get("field").asString()).isEqualTo("format");
        String tiny = newId("tiny-pooler");
        assertThat(registerPath(tiny, TinyBert.hfDir(), "").statusCode()).isEqualTo(201);
        HttpResponse<String> st = get("/models/" + tiny + "/export?format=sentence-transformers");
        assertThat(st.statusCode()).isEqualTo(409);
        assertThat(json(st).get("detail").asString()).contains("pooler").contains("format=hf");
        delete("/models/" + tiny);
        assertThat(get("/models/" + DEFAULT_MODEL + "/export", CLASSIFY_KEY).statusCode()).isEqualTo(403);
        assertThat(get("/models/no-such-model/export").statusCode()).isEqualTo(404);
    }

    private static float[][] probabilities(ModelBundle bundle, List<String> texts) {
        try (TaggerModel m = TaggerModel.load(bundle, Device.cpu())) {
            return m.probabilities(texts.stream().map(m.tokenizer()::tokenize).toList());
        }
    }

    private static Map<String, byte[]> fixtureFiles() throws IOException {
        return filesOf(TinyBert.hfDir());
    }

    private static Map<String, byte[]> filesOf(Path dir) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            out.put(f, Files.readAllBytes(dir.resolve(f)));
        }
        return out;
    }

    private static byte[] zip(String folder, Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                z.putNextEntry(new ZipEntry(folder + f.getKey()));
                z.write(f.getValue());
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A minimal ustar reader (regular files only), independent of the service's. */
    private static Map<String, byte[]> untarGz(byte[] tgz) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(tgz))) {
            while (true) {
                byte[] h = in.readNBytes(512);
                assertThat(h).hasSize(512);
                if (h[0] == 0) {
                    return out;
                }
                int end = 0;
                while (end < 100 && h[end] != 0) {
                    end++;
                }
                String name = new String(h, 0, end, StandardCharsets.UTF_8);
                long size = Long.parseLong(new String(h, 124, 11, StandardCharsets.US_ASCII).trim(), 8);
                assertThat((char) h[156]).isEqualTo('0');
                out.put(name, in.readNBytes((int) size));
                in.skipNBytes((512 - size % 512) % 512);
            }
        }
    }
}
