package dev.tagger.api;

/** Examples and wording of the training-job operations' OpenAPI description. */
final class TrainJobsDocs {

    static final String ADMIN = "The key is valid but not an admin key";

    static final String REQUEST = "{\"name\": \"support tickets\", \"training_data\": {\"examples\": ["
            + "{\"text\": \"Thank you so much for the quick reply!\", \"labels\": [\"thanks\"]}, "
            + "{\"text\": \"My order arrived broken.\", \"labels\": [\"complaint\"]}, "
            + "{\"text\": \"Where is my parcel?\", \"labels\": []}]}, "
            + "\"validation_data\": {\"split\": 0.2}, \"parameters\": {\"train\": \"head\", \"epochs\": 40}, "
            + "\"deploy\": \"if_better\"}";

    private static final String SPEC = "\"request\": {\"name\": \"support tickets\", \"training_data\": "
            + "{\"examples\": 40}, \"validation_data\": {\"split\": 0.2}, \"labels\": [\"complaint\", \"thanks\"], "
            + "\"base\": \"builtin:all-MiniLM-L6-v2\", \"parameters\": {\"train\": \"head\", \"epochs\": 40, "
            + "\"learning_rate\": 0.01, \"head_learning_rate\": 0.01, \"batch_size\": 8, \"max_tokens\": 128, "
            + "\"warmup_ratio\": 0.05, \"weight_decay\": 1.0E-4, \"dropout\": 0.0, \"clip_norm\": 1.0, \"seed\": 42, "
            + "\"min_positives\": 5}, \"deploy\": \"if_better\"}";

    /** POST /train-jobs/preview: the spec alone. */
    static final String PREVIEW = "{\"name\": \"support tickets\", \"training_data\": "
            + "{\"examples\": 40}, \"validation_data\": {\"split\": 0.2}, \"labels\": [\"complaint\", \"thanks\"], "
            + "\"base\": \"builtin:all-MiniLM-L6-v2\", \"parameters\": {\"train\": \"head\", \"epochs\": 40, "
            + "\"learning_rate\": 0.01, \"head_learning_rate\": 0.01, \"batch_size\": 8, \"max_tokens\": 128, "
            + "\"warmup_ratio\": 0.05, \"weight_decay\": 1.0E-4, \"dropout\": 0.0, \"clip_norm\": 1.0, \"seed\": 42, "
            + "\"min_positives\": 5}, \"deploy\": \"if_better\"}";

    static final String QUEUED = "{\"id\": \"mbk3x0qz-4f7kqa\", \"status\": \"QUEUED\", "
            + "\"created_at\": \"2025-06-01T10:00:00.123456Z\", \"cancel_requested\": false, " + SPEC
            + ", \"epochs\": []}";

    static final String CANCEL_REQUESTED = "{\"id\": \"mbk3x0qz-4f7kqa\", \"status\": \"RUNNING\", "
            + "\"created_at\": \"2025-06-01T10:00:00.123456Z\", \"started_at\": \"2025-06-01T10:00:00.201Z\", "
            + "\"cancel_requested\": true, " + SPEC + ", \"epochs\": []}";

    static final String SUCCEEDED = "{\"id\": \"mbk3x0qz-4f7kqa\", \"status\": \"SUCCEEDED\", "
            + "\"created_at\": \"2025-06-01T10:00:00.123456Z\", \"started_at\": \"2025-06-01T10:00:00.201Z\", "
            + "\"finished_at\": \"2025-06-01T10:00:09.874Z\", \"cancel_requested\": false, " + SPEC + ", "
            + "\"baseline\": {\"macro_f1\": 0.4, \"micro_f1\": 0.4211, \"loss\": 0.6931}, "
            + "\"epochs\": [{\"epoch\": 1, \"train_loss\": 0.6612, \"validation\": {\"macro_f1\": 0.7333, "
            + "\"micro_f1\": 0.75, \"loss\": 0.6402}, \"seconds\": 0.0213}], "
            + "\"result\": {\"model_id\": \"model-mbk3x0qz-4f7kqa\", \"model_version\": \"3f9c2a1b7d04\", "
            + "\"metrics\": {\"validation\": {\"examples\": 8, \"macro_f1\": 0.9, \"macro_f1_cross_fitted\": 0.8667}, "
            + "\"baseline\": {\"macro_f1\": 0.4, \"micro_f1\": 0.4211}}, "
            + "\"timings\": {\"encode_seconds\": 0.41, \"train_seconds\": 0.85, \"texts_per_second_encoding\": 97.5, "
            + "\"examples_per_second\": 5120.3, \"total_seconds\": 1.62}, "
            + "\"deployment\": {\"policy\": \"if_better\", \"deployed\": true, \"reason\": \"macro-F1 0.8667 beats "
            + "0.0000 of the served model 'goemotions-minilm' on the same validation data (thresholds cross-fitted "
            + "for both)\", \"candidate_macro_f1\": 0.8667, \"serving_model_id\": \"goemotions-minilm\", "
            + "\"serving_macro_f1\": 0.0}}}";

    static final String INVALID = "{\"type\": \"about:blank\", \"title\": \"Unprocessable Content\", \"status\": 422, "
            + "\"detail\": \"'parameters.epochs' must be an integer from 1 to 1000\", \"instance\": \"/train-jobs\", "
            + "\"field\": \"parameters.epochs\", \"limit\": \"[1, 1000]\"}";

    private TrainJobsDocs() {
    }
}
