package dev.tagger.security;

import org.apache.commons.logging.Log;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

/** Which address the service listens on, by the keys and settings (ProtectedModeTest checks it on a live server). */
class ProtectedModeSettingsTest {

    private final List<String> warnings = new ArrayList<>();

    private MockEnvironment apply(MockEnvironment env) {
        Log log = mock(Log.class);
        doAnswer(a -> warnings.add(a.getArgument(0).toString())).when(log).warn(any());
        new ProtectedMode((Supplier<Log> destination) -> log).postProcessEnvironment(env, null);
        return env;
    }

    @Test
    void withoutKeysTheServiceListensOnLoopbackAndSaysHowToOpenIt() {
        MockEnvironment env = apply(new MockEnvironment());
        assertThat(ProtectedMode.isLoopback(env.getProperty("server.address"))).isTrue();
        assertThat(warnings).singleElement().asString().contains("Protected mode").contains("loopback")
                .contains("tagger.security.admin-keys").contains("tagger.security.allow-open-network=true");
    }

    @Test
    void keysOrAllowOpenNetworkLeaveTheAddressAlone() {
        assertThat(apply(new MockEnvironment().withProperty("tagger.security.admin-keys", "k-1"))
                .getProperty("server.address")).isNull();
        assertThat(apply(new MockEnvironment().withProperty("tagger.security.classify-keys", "k-2"))
                .getProperty("server.address")).isNull();
        assertThat(warnings).isEmpty();
        assertThat(apply(new MockEnvironment().withProperty("tagger.security.allow-open-network", "true"))
                .getProperty("server.address")).isNull();
        assertThat(warnings).singleElement().asString().contains("OPEN");
    }

    @Test
    void blankKeysAreNoKeys() {
        MockEnvironment env = apply(new MockEnvironment().withProperty("tagger.security.admin-keys", " , "));
        assertThat(ProtectedMode.isLoopback(env.getProperty("server.address"))).isTrue();
    }

    @Test
    void anExplicitNetworkAddressWithoutKeysStopsTheStart() {
        assertThatThrownBy(() -> apply(new MockEnvironment().withProperty("server.address", "0.0.0.0")))
                .isInstanceOf(ApiKeyConfigurationException.class).hasMessageContaining("server.address is 0.0.0.0")
                .hasMessageContaining("tagger.security.allow-open-network=true");
        assertThat(apply(new MockEnvironment().withProperty("server.address", "::1")).getProperty("server.address"))
                .isEqualTo("::1");
        assertThat(apply(new MockEnvironment().withProperty("server.address", "0.0.0.0")
                .withProperty("tagger.security.allow-open-network", "true")).getProperty("server.address"))
                .isEqualTo("0.0.0.0");
    }

    @Test
    void aSeparateManagementPortIsPinnedToo() {
        MockEnvironment env = apply(new MockEnvironment().withProperty("server.port", "8080")
                .withProperty("management.server.port", "8081"));
        assertThat(ProtectedMode.isLoopback(env.getProperty("management.server.address"))).isTrue();
        MockEnvironment same = apply(new MockEnvironment().withProperty("management.server.port", "8080"));
        assertThat(same.getProperty("management.server.address")).isNull();
    }

    @Test
    void allowOpenFalseIsLeftToTheKeyCheck() {
        MockEnvironment env = apply(new MockEnvironment().withProperty("tagger.security.allow-open", "false"));
        assertThat(env.getProperty("server.address")).isNull();
    }
}
