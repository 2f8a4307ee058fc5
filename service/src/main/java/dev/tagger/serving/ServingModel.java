package dev.tagger.serving;

import dev.tagger.model.ModelBundle;
import dev.tagger.model.nn.Predictor;
import dev.tagger.model.nn.ScriptedEncoder;
import dev.tagger.model.nn.TaggerModel;
import dev.tagger.model.nn.TorchScriptModel;
import dev.tagger.text.TextTokenizer;

import ai.djl.Device;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bundle loaded for serving: one replica per device, reference-counted so that a model replaced
 * by a deploy is closed only after the last request using it has finished.
 */
public final class ServingModel {

    private final ModelBundle bundle;
    private final Map<Device, Predictor> replicas;
    private final AtomicInteger users = new AtomicInteger();
    private final AtomicBoolean retired = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    ServingModel(ModelBundle bundle, Map<Device, Predictor> replicas) {
        this.bundle = bundle;
        this.replicas = replicas;
    }

    /**
     * Loads the bundle on every device and runs one text through each replica. A Tagger bundle runs its encoder
     * compiled as one TorchScript module at {@code precision} (int8 on CPUs only).
     */
    public static ServingModel load(ModelBundle bundle, List<Device> devices, ScriptedEncoder.Precision precision) {
        Map<Device, Predictor> replicas = new LinkedHashMap<>();
        try {
            for (Device d : devices) {
                Predictor m = bundle.isTorchScript() ? TorchScriptModel.load(bundle, d)
                        : TaggerModel.loadForServing(bundle, d, precision);
                replicas.put(d, m);
                m.probabilities(List.of(m.tokenizer().tokenize("warm up")));
            }
        } catch (RuntimeException e) {
            replicas.values().forEach(Predictor::close);
            throw e;
        }
        return new ServingModel(bundle, replicas);
    }

    public ModelBundle bundle() {
        return bundle;
    }

    public List<Device> devices() {
        return List.copyOf(replicas.keySet());
    }

    /** Each device's encoder precision (int8 on CPUs by default, fp32 on GPUs). */
    public Map<String, String> precisions() {
        Map<String, String> out = new LinkedHashMap<>();
        replicas.forEach((d, p) -> out.put(d.toString(), p.precision()));
        return out;
    }

    public Predictor replica(Device device) {
        Predictor m = replicas.get(device);
        if (m == null) {
            throw new IllegalStateException("model " + bundle.id() + " has no replica on " + device);
        }
        return m;
    }

    /** Any replica: tokenizers are identical across devices. */
    public TextTokenizer tokenizer() {
        return replicas.values().iterator().next().tokenizer();
    }

    boolean tryAcquire() {
        users.incrementAndGet();
        if (retired.get()) {
            release();
            return false;
        }
        return true;
    }

    void release() {
        if (users.decrementAndGet() == 0 && retired.get()) {
            closeOnce();
        }
    }

    /** No new users; closes now or when the last user releases. */
    void retire() {
        retired.set(true);
        if (users.get() == 0) {
            closeOnce();
        }
    }

    private void closeOnce() {
        if (closed.compareAndSet(false, true)) {
            replicas.values().forEach(Predictor::close);
        }
    }
}
