package dev.tagger.model;

/**
 * The sizes of a BERT encoder, named after the keys of a Hugging Face {@code config.json}.
 *
 * @param vocabSize           word-piece vocabulary size
 * @param hiddenSize          width of every hidden state
 * @param numLayers           number of transformer layers
 * @param numHeads            attention heads per layer (hiddenSize must divide evenly)
 * @param intermediateSize    width of the feed-forward layer
 * @param maxPositions        number of learned position embeddings
 * @param typeVocabSize       number of token types (segment ids)
 * @param layerNormEps        epsilon of every LayerNorm
 * @param hiddenDropout       dropout after embeddings, attention output and feed-forward (training only)
 * @param attentionDropout    dropout on attention probabilities (training only)
 */
public record BertConfig(int vocabSize, int hiddenSize, int numLayers, int numHeads, int intermediateSize,
                         int maxPositions, int typeVocabSize, float layerNormEps,
                         float hiddenDropout, float attentionDropout) {

    /** all-MiniLM-L6-v2, the built-in base. */
    public static final BertConfig MINILM_L6 =
            new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f, 0.1f, 0.1f);

    public BertConfig {
        if (hiddenSize <= 0 || numLayers <= 0 || numHeads <= 0 || intermediateSize <= 0 || vocabSize <= 0) {
            throw new IllegalArgumentException("BERT sizes must be positive: " + this);
        }
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException(
                    "hidden_size " + hiddenSize + " is not a multiple of num_attention_heads " + numHeads);
        }
    }

    public int headSize() {
        return hiddenSize / numHeads;
    }

    /** Number of weights in the encoder, for reports. */
    public long parameterCount() {
        long h = hiddenSize;
        long emb = (long) (vocabSize + maxPositions + typeVocabSize) * h + 2 * h;
        long layer = 4 * (h * h + h) + 2 * (h * intermediateSize) + intermediateSize + h + 4 * h;
        return emb + numLayers * layer;
    }
}
