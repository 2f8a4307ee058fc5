package dev.tagger.inference;

import dev.tagger.config.TaggerProperties;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.ModelBundleIO;
import dev.tagger.model.ModelStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.util.function.Supplier;

/** Wires the serving path: metrics, the model store and the model served at start. */
@Configuration(proxyBeanMethods = false)
public class InferenceConfig {

    /** The classpath folder of the built-in default model. */
    public static final String DEFAULT_MODEL = "/models/goemotions-minilm";

    @Bean
    InferenceMetrics inferenceMetrics(MeterRegistry registry) {
        return new InferenceMetrics(registry);
    }

    /** Trained models under tagger.store.dir; the default is tagger.model.dir when set, else the one inside the jar. */
    @Bean
    ModelStore modelStore(TaggerProperties props) {
        Path dir = props.model().dir();
        if (dir != null) {
            return new ModelStore(props.store().dir(), dir.getFileName().toString(), ModelBundleIO.directory(dir));
        }
        return new ModelStore(props.store().dir(), "goemotions-minilm", ModelBundleIO.classpath(DEFAULT_MODEL));
    }

    /** The model deployed last (it survives restarts), or the default one when none was or it cannot be read. */
    @Bean
    Supplier<ModelBundle> initialModel(ModelStore store) {
        return store::loadServing;
    }
}
