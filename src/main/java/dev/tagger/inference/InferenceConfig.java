package dev.tagger.inference;

import dev.tagger.config.TaggerProperties;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.ModelBundleIO;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.util.function.Supplier;

/** Wires the serving path: metrics and the model served at start. */
@Configuration(proxyBeanMethods = false)
public class InferenceConfig {

    /** The classpath folder of the built-in default model. */
    public static final String DEFAULT_MODEL = "/models/goemotions-minilm";

    @Bean
    InferenceMetrics inferenceMetrics(MeterRegistry registry) {
        return new InferenceMetrics(registry);
    }

    /** tagger.model.dir when set, else the default model inside the jar. */
    @Bean
    Supplier<ModelBundle> initialModel(TaggerProperties props) {
        return () -> {
            Path dir = props.model().dir();
            if (dir != null) {
                return ModelBundleIO.read(ModelBundleIO.directory(dir), dir.getFileName().toString());
            }
            return ModelBundleIO.read(ModelBundleIO.classpath(DEFAULT_MODEL), "goemotions-minilm");
        };
    }
}
