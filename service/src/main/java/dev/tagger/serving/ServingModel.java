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
    /** Leases: the pool's own until the model is retired, plus one per request and per running batch. */
    private final AtomicInteger refs = new AtomicInteger(1);
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

    /**
     * A new request's lease. Refused once the model is retired, so that requests go to the model that replaced it;
     * the caller then asks the pool again.
     */
    boolean tryAcquire() {
        if (!retain()) {
            return false;
        }
        if (retired.get()) {
            release();
            return false;
        }
        return true;
    }

    /**
     * A lease on a model that may be retired but is still open: a worker takes one for each batch, so that a
     * request that times out or is cancelled meanwhile (releasing its own lease) cannot close the model under it.
     * False once the model is closed.
     */
    boolean retain() {
        while (true) {
            int n = refs.get();
            if (n == 0) {
                return false;
            }
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void release() {
        if (refs.decrementAndGet() == 0) {
            closeOnce();
        }
    }

    /** No new requests; closes now or when the last lease is released. */
    void retire() {
        if (retired.compareAndSet(false, true)) {
            release();
        }
    }

    boolean closed() {
        return closed.get();
    }

    /** Whether the encoder packs a batch's texts without padding (a TorchScript module pads to the longest). */
    boolean packed() {
        return bundle == null || !bundle.isTorchScript();
    }

    private void closeOnce() {
        if (closed.compareAndSet(false, true)) {
            replicas.values().forEach(Predictor::close);
        }
    }
}
