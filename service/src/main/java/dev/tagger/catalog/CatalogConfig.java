package dev.tagger.catalog;

import dev.tagger.config.TaggerProperties;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.format.ModelBundleIO;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.util.function.Supplier;

/** Wires the model store and the model served at start. */
@Configuration(proxyBeanMethods = false)
public class CatalogConfig {

    /** The classpath folder of the built-in default model. */
    public static final String DEFAULT_MODEL = "/models/goemotions-minilm";

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
