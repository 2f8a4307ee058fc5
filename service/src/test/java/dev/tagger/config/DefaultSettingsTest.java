package dev.tagger.config;

import dev.tagger.model.nn.ScriptedEncoder;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.unit.DataSize;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The defaults live in the {@code @ConfigurationProperties} records: binding an empty environment gives the
 * documented defaults (README's configuration tables), and the shipped application.yml changes none of them.
 */
class DefaultSettingsTest {

    static Binder empty() {
        return new Binder(new MapConfigurationPropertySource(Map.of()));
    }

    static Binder shipped() throws IOException {
        List<PropertySource<?>> yml = new YamlPropertySourceLoader()
                .load("application.yml", new ClassPathResource("application.yml"));
        return new Binder(ConfigurationPropertySources.from(yml));
    }

    static TaggerProperties tagger(Binder b) {
        return b.bindOrCreate("tagger", Bindable.of(TaggerProperties.class));
    }

    static SecurityProperties security(Binder b) {
        return b.bindOrCreate("tagger.security", Bindable.of(SecurityProperties.class));
    }

    @Test
    void anEmptyEnvironmentGivesTheDocumentedDefaults() {
        TaggerProperties p = tagger(empty());
        assertThat(p.device()).isEqualTo("auto");
        assertThat(p.precision()).isEqualTo(ScriptedEncoder.Precision.INT8);
        assertThat(p.workers()).isNull();
        assertThat(p.threads()).isEqualTo(new TaggerProperties.Threads(1, 1));
        assertThat(p.model()).isEqualTo(new TaggerProperties.Model(null, null));
        assertThat(p.store().dir()).isEqualTo(Path.of("data"));
        assertThat(p.api()).isEqualTo(new TaggerProperties.Api(64, DataSize.ofMegabytes(2), 20_000, 16, 256, 64));
        assertThat(p.batching()).isEqualTo(new TaggerProperties.Batching(32, 4096, Duration.ZERO, 1024,
                Duration.ofSeconds(30)));
        assertThat(p.datasets()).isEqualTo(new TaggerProperties.Datasets(DataSize.ofMegabytes(100), 1_000_000L,
                10_000, 1_000));
        assertThat(p.training()).isEqualTo(new TaggerProperties.Training(1, 16, 5_000, 2048, Duration.ofHours(1)));
        assertThat(p.models()).isEqualTo(new TaggerProperties.Models(DataSize.ofGigabytes(2), DataSize.ofGigabytes(4),
                100, null, false));

        SecurityProperties s = security(empty());
        assertThat(s.adminKeys()).isEmpty();
        assertThat(s.classifyKeys()).isEmpty();
        assertThat(s.allowOpen()).isTrue();
        assertThat(s.openManagement()).isTrue();
        assertThat(s.allowOpenNetwork()).isFalse();
    }

    @Test
    void theShippedApplicationYmlKeepsEveryDefault() throws IOException {
        assertThat(tagger(shipped())).isEqualTo(tagger(empty()));
        assertThat(security(shipped())).isEqualTo(security(empty()));
    }

    @Test
    void theShippedApplicationYmlStillSetsSpringsOwnSettings() throws IOException {
        Binder b = shipped();
        assertThat(b.bind("server.shutdown", String.class).get()).isEqualTo("graceful");
        assertThat(b.bind("spring.mvc.problemdetails.enabled", Boolean.class).get()).isTrue();
        assertThat(b.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class).get())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(b.bind("management.endpoints.web.exposure.include", String.class).get())
                .isEqualTo("health,info,prometheus,metrics");
    }
}
