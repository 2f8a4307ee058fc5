package dev.tagger.model.format;

import dev.tagger.io.AtomicFiles;
import dev.tagger.io.Json;
import dev.tagger.model.Pooling;
import dev.tagger.model.WeightSet;
import dev.tagger.model.nn.ClassificationHead;
import dev.tagger.model.nn.TorchScriptModel;
import dev.tagger.model.BertConfig;
import dev.tagger.model.HostTensor;
import dev.tagger.model.LongText;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.ModelFormatException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * Reads and writes the bundle directory:
 * <pre>
 *   config.json        Hugging Face keys (model_type, id2label, label2id, problem_type, sizes) + "tagger" extras
 *   tokenizer.json     the fast-tokenizer file
 *   thresholds.json    {"label": threshold, ...}
 *   model.safetensors  tensors under Hugging Face names (bert.*, classifier.*); with a base, only those that differ;
 *                      F16 for a tensor whose values fp16 holds exactly (a trainer rounded them), else F32
 *   card.json          provenance and metrics
 * </pre>
 * A TorchScript model keeps {@code model.pt} (the traced module) instead of {@code model.safetensors}, and its
 * config.json holds only id2label, problem_type and {@code "tagger": {"format": "torchscript", "max_tokens": n}}.
 * Writes are atomic: files go to a hidden sibling directory that is renamed into place when complete.
 */
public final class ModelBundleIO {

    public static final String CONFIG = "config.json";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String THRESHOLDS = "thresholds.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String CARD = "card.json";
    /** The value of config.json's tagger.format for a TorchScript model. */
    public static final String TORCHSCRIPT = "torchscript";

    static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private ModelBundleIO() {
    }

    /** Where bundle files come from: a directory or a classpath folder. */
    public interface Source {
        /** The file's bytes, or {@code null} when the bundle has no such file. */
        byte[] read(String name) throws IOException;

        String describe();

        /** The directory the files are in; null when they are not in one (a TorchScript module must be). */
        default Path dir() {
            return null;
        }
    }

    public static Source directory(Path dir) {
        return new Source() {
            @Override
            public byte[] read(String name) throws IOException {
                Path p = dir.resolve(name);
                return Files.isRegularFile(p) ? Files.readAllBytes(p) : null;
            }

            @Override
            public String describe() {
                return dir.toString();
            }

            @Override
            public Path dir() {
                return dir;
            }
        };
    }

    public static Source classpath(String folder) {
        String root = folder.endsWith("/") ? folder : folder + "/";
        return new Source() {
            @Override
            public byte[] read(String name) throws IOException {
                try (InputStream in = ModelBundleIO.class.getResourceAsStream(root + name)) {
                    return in == null ? null : in.readAllBytes();
                }
            }

            @Override
            public String describe() {
                return "classpath:" + root;
            }
        };
    }

    /** Reads a bundle whose base, if any, is built in. */
    public static ModelBundle read(Source source, String id) {
        return read(source, id, BaseModels::builtin);
    }

    /** Reads a bundle; {@code bases} turns a base reference into the pretrained weights it names. */
    public static ModelBundle read(Source source, String id, Function<String, BaseModels.Base> bases) {
        try {
            Header h = header(source);
            if (h.torchScript()) {
                return readTorchScript(source, id, h);
            }
            BaseModels.Base baseModel = h.base() == null ? null : bases.apply(h.base());
            BertConfig bert = BundleConfig.bertConfig(h.config(), baseModel);
            Map<String, HostTensor> weights = new LinkedHashMap<>();
            if (baseModel != null) {
                weights.putAll(baseModel.weights().asMap());
            }
            for (Map.Entry<String, HostTensor> e : Safetensors.read(new ByteArrayInputStream(h.weightBytes())).entrySet()) {
                weights.put(canonical(e.getKey()), e.getValue());
            }
            byte[] tokenizer = source.read(TOKENIZER);
            if (tokenizer == null) {
                if (baseModel == null) {
                    throw new ModelFormatException(source.describe() + " has no " + TOKENIZER + " and no base to take it from");
                }
                tokenizer = baseModel.tokenizerJson();
            }
            JsonNode tagger = h.config().path("tagger");
            // A Hugging Face checkpoint has no "tagger" section: it pools as BertForSequenceClassification
            // does when it carries the pooler's tensors, else from [CLS].
            Pooling pooling = tagger.path("pooling").isString() ? Pooling.parse(tagger.path("pooling").asString())
                    : weights.containsKey(ClassificationHead.POOLER_WEIGHT) ? Pooling.POOLER : Pooling.CLS;
            boolean normalize = tagger.path("normalize").asBoolean(false);
            int maxTokens = tagger.path("max_tokens").asInt(Math.min(512, bert.maxPositions()));
            return new ModelBundle(id, h.version(), bert, h.labels(), h.thresholds(), pooling, normalize, maxTokens,
                    h.base(), new WeightSet(weights), tokenizer, h.card(), null, LongText.fromConfig(tagger));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model bundle " + source.describe(), e);
        }
    }

    private static ModelBundle readTorchScript(Source source, String id, Header h) throws IOException {
        if (source.dir() == null) {
            throw new ModelFormatException(source.describe() + ": a TorchScript model must be stored in a directory");
        }
        byte[] tokenizer = require(source, TOKENIZER);
        int maxTokens = h.config().path("tagger").path("max_tokens").asInt(512);
        return new ModelBundle(id, h.version(), null, h.labels(), h.thresholds(), null, false, maxTokens, null,
                new WeightSet(Map.of()), tokenizer, h.card(), source.dir(), LongText.fromConfig(h.config().path("tagger")));
    }

    /**
     * What a bundle says about itself, for listings: read from its small files; the weights are hashed for the
     * version but not parsed, and no base is loaded.
     *
     * @param layers      encoder layers (0 when config.json does not say)
     * @param torchScript whether the model is a TorchScript module (served only: not trained from, not exported)
     */
    public record Summary(String id, String version, String base, List<String> labels, float[] thresholds,
                          int layers, int maxTokens, ObjectNode card, boolean torchScript) {
    }

    public static Summary summarize(Source source, String id) {
        try {
            Header h = header(source);
            return new Summary(id, h.version(), h.base(), h.labels(), h.thresholds(),
                    h.config().path("num_hidden_layers").asInt(0), h.config().path("tagger").path("max_tokens").asInt(0),
                    h.card(), h.torchScript());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model bundle " + source.describe(), e);
        }
    }

    /** The files every reader needs, parsed, and the content version. */
    private record Header(JsonNode config, List<String> labels, String base, float[] thresholds, ObjectNode card,
                          byte[] weightBytes, String version, boolean torchScript) {
    }

    private static Header header(Source source) throws IOException {
        byte[] configBytes = require(source, CONFIG);
        JsonNode config = parseJson(configBytes, CONFIG);
        List<String> labels = BundleConfig.labels(config);
        JsonNode tagger = config.path("tagger");
        String base = tagger.path("base").isString() ? tagger.path("base").asString() : null;
        boolean torchScript = TORCHSCRIPT.equals(tagger.path("format").asString(""));
        byte[] weightBytes = require(source, torchScript ? TorchScriptModel.MODULE : WEIGHTS);
        byte[] thresholdBytes = source.read(THRESHOLDS);
        float[] thresholds = BundleConfig.thresholds(labels, thresholdBytes == null ? null : parseJson(thresholdBytes, THRESHOLDS));
        byte[] cardBytes = source.read(CARD);
        ObjectNode card = cardBytes == null ? JSON.createObjectNode() : (ObjectNode) parseJson(cardBytes, CARD);
        return new Header(config, labels, base, thresholds, card, weightBytes,
                digest(configBytes, thresholdBytes, weightBytes), torchScript);
    }

    /** Writes the bundle into {@code dir} (which must not exist yet) atomically; returns the bundle with its version. */
    public static ModelBundle write(ModelBundle bundle, Path dir, Function<String, BaseModels.Base> bases) {
        Map<String, byte[]> files = serialize(bundle, bases);
        String version = digest(files.get(CONFIG), files.get(THRESHOLDS), files.get(weightsFile(bundle)));
        Path parent = dir.toAbsolutePath().getParent();
        Path tmp = parent.resolve("." + dir.getFileName() + AtomicFiles.TEMP_INFIX + UUID.randomUUID());
        try {
            Files.createDirectories(parent);
            Files.createDirectory(tmp);
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path p = tmp.resolve(f.getKey());
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ch.write(java.nio.ByteBuffer.wrap(f.getValue()));
                    ch.force(true);
                }
            }
            AtomicFiles.move(tmp, dir);
            ModelBundle written = bundle.withIdentity(bundle.id(), version);
            return written.isTorchScript() ? written.withModule(dir) : written;
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write model bundle to " + dir, e);
        }
    }

    /** The content version a bundle would have once written. */
    public static String versionOf(ModelBundle bundle, Function<String, BaseModels.Base> bases) {
        Map<String, byte[]> files = serialize(bundle, bases);
        return digest(files.get(CONFIG), files.get(THRESHOLDS), files.get(weightsFile(bundle)));
    }

    private static String weightsFile(ModelBundle b) {
        return b.isTorchScript() ? TorchScriptModel.MODULE : WEIGHTS;
    }

    static Map<String, byte[]> serialize(ModelBundle b, Function<String, BaseModels.Base> bases) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(CONFIG, JSON.writeValueAsBytes(b.isTorchScript() ? BundleConfig.torchScriptConfigJson(b) : BundleConfig.configJson(b)));
        ObjectNode th = JSON.createObjectNode();
        b.thresholdMap().forEach(th::put);
        files.put(THRESHOLDS, JSON.writeValueAsBytes(th));
        if (b.isTorchScript()) {
            try {
                files.put(TorchScriptModel.MODULE, Files.readAllBytes(b.module().resolve(TorchScriptModel.MODULE)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + b.module().resolve(TorchScriptModel.MODULE), e);
            }
            files.put(TOKENIZER, b.tokenizerJson());
            files.put(CARD, JSON.writeValueAsBytes(b.card()));
            return files;
        }
        Map<String, HostTensor> own = new TreeMap<>();
        Map<String, HostTensor> baseWeights = b.base() == null ? Map.of() : bases.apply(b.base()).weights().asMap();
        for (Map.Entry<String, HostTensor> e : b.weights().asMap().entrySet()) {
            String name = canonical(e.getKey());
            if (!e.getValue().equals(baseWeights.get(name))) {
                own.put(hfName(name), e.getValue());
            }
        }
        ByteArrayOutputStream st = new ByteArrayOutputStream();
        try {
            Safetensors.writeCompact(own, Map.of("format", "pt"), st);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.put(WEIGHTS, st.toByteArray());
        files.put(TOKENIZER, b.tokenizerJson());
        files.put(CARD, JSON.writeValueAsBytes(b.card()));
        return files;
    }

    /** Internal tensor names carry no "bert." prefix. */
    static String canonical(String name) {
        return name.startsWith("bert.") ? name.substring(5) : name;
    }

    /** Hugging Face task models put the encoder under "bert."; the head stays at the top. */
    static String hfName(String canonical) {
        return canonical.startsWith("classifier.") ? canonical : "bert." + canonical;
    }

    private static byte[] require(Source s, String name) throws IOException {
        byte[] b = s.read(name);
        if (b == null) {
            throw new ModelFormatException(s.describe() + " has no " + name);
        }
        return b;
    }

    static JsonNode parseJson(byte[] bytes, String file) {
        try {
            return JSON.readTree(bytes);
        } catch (RuntimeException e) {
            // Never the parser's message: it quotes the file, which may not be what it claims to be.
            throw new ModelFormatException(file + " is not valid JSON" + Json.where(e), e);
        }
    }

    private static String digest(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p == null ? new byte[0] : p);
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            AtomicFiles.deleteRecursively(dir);
        } catch (IOException ignored) {
            // best effort: a leftover hidden temp directory is never read as a bundle, and is removed at start
        }
    }
}
