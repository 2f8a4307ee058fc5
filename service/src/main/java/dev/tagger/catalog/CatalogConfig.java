package dev.tagger.catalog;

import dev.tagger.config.TaggerProperties;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.format.ModelBundleIO;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.util.function.Supplier;

/** Wires the default model, the model versions (over the {@link ModelRepository} bean) and the model served at start. */
@Configuration(proxyBeanMethods = false)
public class CatalogConfig {

    /** The classpath folder of the built-in default model. */
    public static final String DEFAULT_MODEL = "/models/goemotions-minilm";

    /** tagger.model.dir when set, else the one inside the jar. */
    @Bean
    DefaultModel defaultModel(TaggerProperties props) {
        Path dir = props.model().dir();
        if (dir != null) {
            return new DefaultModel(dir.getFileName().toString(), ModelBundleIO.directory(dir));
        }
        return new DefaultModel("goemotions-minilm", ModelBundleIO.classpath(DEFAULT_MODEL));
    }

    @Bean
    ModelVersions modelVersions(ModelRepository repository, DefaultModel defaultModel) {
        return new ModelVersions(repository, defaultModel);
    }

    /** The model deployed last (it survives restarts), or the default one when none was or it cannot be read. */
    @Bean
    Supplier<ModelBundle> initialModel(ModelVersions versions) {
        return versions::loadServing;
    }
}
