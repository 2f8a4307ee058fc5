package dev.tagger.engine;

import dev.tagger.model.ModelBundle;
import dev.tagger.model.format.ModelBundleIO;
import dev.tagger.model.nn.TaggerModel;
import dev.tagger.catalog.CatalogConfig;

import ai.djl.Device;
import ai.djl.util.Utils;

import java.util.List;

/** Run in a child JVM by {@link OfflineEngineTest}: everything the service does with DJL, once. */
public final class OfflineProbe {

    private OfflineProbe() {
    }

    public static void main(String[] args) {
        TorchEngine.start();
        ModelBundle bundle = ModelBundleIO.read(ModelBundleIO.classpath(CatalogConfig.DEFAULT_MODEL), "probe");
        try (TaggerModel model = TaggerModel.load(bundle, Device.cpu())) {
            float[][] p = model.probabilities(List.of(model.tokenizer().tokenize("Thank you so much!")));
            System.out.println("offline=" + Utils.isOfflineMode() + " labels=" + p[0].length);
        }
    }
}
