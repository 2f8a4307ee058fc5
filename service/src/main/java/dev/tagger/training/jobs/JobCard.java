package dev.tagger.training.jobs;

import dev.tagger.io.Json;
import dev.tagger.model.ModelBundle;

import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;

/** card.json of a model a job trained: where it came from, on which data, with which settings, and how well. */
final class JobCard {

    private JobCard() {
    }

    static ObjectNode of(String jobId, TrainSpec spec, ModelBundle start, JobData data, ObjectNode metrics,
                         TrainJob.Timings timings, Instant created) {
        TrainSpec.Parameters p = spec.parameters();
        TrainMode mode = p.train();
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("id", start.id());
        c.put("description", spec.name() != null ? spec.name() : "trained from " + spec.base() + " by job " + jobId);
        c.put("base", spec.base());
        // fine-tuning keeps the start model's tokenizer and vocabulary, so it reads what the start model reads
        if (start.card() != null && start.card().path("language").isString()) {
            c.put("language", start.card().path("language").asString());
        }
        c.put("created", created.toString());
        c.put("trained_part", mode.toString());
        c.put("job", jobId);
        ObjectNode d = c.putObject("data");
        d.put("training", spec.trainingData().datasetId() != null ? "dataset " + spec.trainingData().datasetId()
                : "examples sent with the job");
        d.put("train_examples", data.train().size());
        d.put("validation", data.validationSource());
        d.put("validation_examples", data.validation().size());
        ObjectNode s = c.putObject("settings");
        s.put("train", mode.toString());
        s.put("epochs", p.epochs());
        s.put("learning_rate", p.learningRate());
        if (!mode.headOnly()) {
            s.put("head_learning_rate", p.headLearningRate());
        }
        s.put("batch_size", p.batchSize());
        s.put("max_tokens", p.maxTokens());
        s.put("warmup_ratio", p.warmupRatio());
        s.put("weight_decay", p.weightDecay());
        s.put("dropout", p.dropout());
        s.put("clip_norm", p.clipNorm());
        s.put("seed", p.seed());
        s.put("pooling", start.pooling().key());
        s.put("normalize", start.normalize());
        s.put("optimizer", "AdamW, linear warmup then linear decay, global gradient-norm clipping");
        s.put("loss", "binary cross-entropy on logits (one sigmoid per label)");
        s.put("threshold_tuning", "per label, grid 0.05..0.95, maximising F1 on validation; labels with fewer than "
                + p.minPositives() + " validation positives share the micro-F1-best threshold");
        c.set("timings", timings(timings));
        c.set("metrics", metrics);
        return c;
    }

    private static ObjectNode timings(TrainJob.Timings t) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        if (t.encodeSeconds() != null) {
            n.put("encode_seconds", t.encodeSeconds());
        }
        n.put("train_seconds", t.trainSeconds());
        if (t.textsPerSecondEncoding() != null) {
            n.put("texts_per_second_encoding", t.textsPerSecondEncoding());
        }
        n.put("examples_per_second", t.examplesPerSecond());
        n.put("total_seconds", t.totalSeconds());
        return n;
    }
}
