package dev.tagger.security;

import dev.tagger.config.SecurityProperties;
import static dev.tagger.security.ApiKeys.Role.ADMIN;
import static dev.tagger.security.ApiKeys.Role.CLASSIFY;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.diagnostics.FailureAnalysis;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The key matcher and the open-mode decision, without Spring. */
class ApiKeysTest {

    private static final String ADMIN_KEY = "admin-0b7e1d";
    private static final String CLASSIFY_KEY = "classify-93c2aa";
    private static final String HASHED_KEY = "hashed-4f61b0";

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ApiKeys.class);

    @BeforeEach
    void captureLog() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(logged);
    }

    private static String sha256(String key) {
        return "sha256:" + HexFormat.of().formatHex(ApiKeys.sha256(key));
    }

    private static SecurityProperties props(List<String> admin, List<String> classify, Boolean allowOpen) {
        return new SecurityProperties(admin, classify, allowOpen, null, null);
    }

    @Test
    void anAdminKeyGrantsBothRolesAndAClassifyKeyOnlyClassify() {
        ApiKeys keys = ApiKeys.of(List.of(ADMIN_KEY), List.of(CLASSIFY_KEY));
        assertThat(keys.match(ADMIN_KEY)).hasValueSatisfying(m -> {
            assertThat(m.roles()).containsExactlyInAnyOrder(ADMIN, CLASSIFY);
            assertThat(m.name()).isEqualTo("admin-keys[0]");
        });
        assertThat(keys.match(CLASSIFY_KEY)).hasValueSatisfying(m -> {
            assertThat(m.roles()).containsExactly(CLASSIFY);
            assertThat(m.name()).isEqualTo("classify-keys[0]");
        });
    }

    @Test
    void aHashedEntryMatchesTheKeyItIsTheHashOfButNotTheHashItself() {
        String entry = sha256(HASHED_KEY);
        ApiKeys keys = ApiKeys.of(List.of(), List.of(entry));
        assertThat(keys.match(HASHED_KEY)).hasValueSatisfying(m -> assertThat(m.roles()).containsExactly(CLASSIFY));
        assertThat(keys.match(entry)).isEmpty();
        assertThat(keys.match(entry.substring("sha256:".length()))).isEmpty();
        // upper-case hex and prefix are the same entry
        assertThat(ApiKeys.of(List.of(entry.toUpperCase()), List.of()).match(HASHED_KEY)).isPresent();
    }

    @Test
    void unknownEmptyAndNearlyRightKeysMatchNothing() {
        ApiKeys keys = ApiKeys.of(List.of(ADMIN_KEY), List.of(CLASSIFY_KEY, sha256(HASHED_KEY)));
        assertThat(keys.match("nope")).isEmpty();
        assertThat(keys.match("")).isEmpty();
        assertThat(keys.match(null)).isEmpty();
        assertThat(keys.match(ADMIN_KEY + " ")).isEmpty();
        assertThat(keys.match(ADMIN_KEY.substring(1))).isEmpty();
        assertThat(keys.match(ADMIN_KEY.toUpperCase())).isEmpty();
    }

    @Test
    void blankEntriesAreSkippedSpacesTrimmedAndEntriesNamedByTheirPlace() {
        ApiKeys keys = ApiKeys.of(Arrays.asList("", "  ", null, " " + ADMIN_KEY + " "), List.of());
        assertThat(keys.size()).isEqualTo(1);
        assertThat(keys.match(ADMIN_KEY)).hasValueSatisfying(m -> assertThat(m.name()).isEqualTo("admin-keys[3]"));
        assertThat(ApiKeys.of(List.of(" ", ""), List.of("")).isEmpty()).isTrue();
    }

    @Test
    void aKeyListedTwiceGetsTheRolesOfBothEntries() {
        ApiKeys keys = ApiKeys.of(List.of(sha256(CLASSIFY_KEY)), List.of(CLASSIFY_KEY));
        assertThat(keys.match(CLASSIFY_KEY)).hasValueSatisfying(m -> {
            assertThat(m.roles()).containsExactlyInAnyOrder(ADMIN, CLASSIFY);
            assertThat(m.name()).isEqualTo("admin-keys[0]");
        });
    }

    @Test
    void aMalformedHashEntryStopsTheStartWithoutRepeatingIt() {
        String bad = "sha256:" + "ab".repeat(31) + "zz";
        assertThatThrownBy(() -> ApiKeys.of(List.of(ADMIN_KEY), List.of(CLASSIFY_KEY, bad)))
                .isInstanceOf(ApiKeyConfigurationException.class)
                .hasMessageContaining("tagger.security.classify-keys[1]")
                .hasMessageContaining("64 hexadecimal digits")
                .message().doesNotContain("abab").doesNotContain(CLASSIFY_KEY).doesNotContain(ADMIN_KEY);
        assertThatThrownBy(() -> ApiKeys.of(List.of("sha256:"), List.of()))
                .isInstanceOf(ApiKeyConfigurationException.class);
    }

    @Test
    void withoutKeysTheServiceStartsOpenAndLeavesTheWarningToProtectedMode() {
        // Where an open service listens, and the warning that says so, are ProtectedMode's (ProtectedModeTest).
        ApiKeys keys = ApiKeys.load(props(null, null, null));
        assertThat(keys.isEmpty()).isTrue();
        assertThat(keys.match("anything")).isEmpty();
        assertThat(logged.list).isEmpty();
    }

    @Test
    void withoutKeysAndAllowOpenFalseTheStartIsRefusedWithAMessage() {
        assertThatThrownBy(() -> ApiKeys.load(props(List.of(" "), List.of(), false)))
                .isInstanceOf(ApiKeyConfigurationException.class)
                .hasMessageContaining("no API key is configured")
                .hasMessageContaining("tagger.security.allow-open is false")
                .hasMessageContaining("TAGGER_SECURITY_ADMIN_KEYS");
        assertThat(logged.list).isEmpty();
    }

    @Test
    void withKeysTheServiceIsProtectedWhateverAllowOpenSays() {
        assertThat(ApiKeys.load(props(List.of(ADMIN_KEY), null, false)).isEmpty()).isFalse();
        assertThat(ApiKeys.load(props(null, List.of(CLASSIFY_KEY), true)).isEmpty()).isFalse();
        assertThat(logged.list).isEmpty();
    }

    @Test
    void theRefusalBecomesAShortStartUpReport() {
        ApiKeyConfigurationException refused = new ApiKeyConfigurationException("no API key is configured");
        FailureAnalysis analysis = new ApiKeyFailureAnalyzer().analyze(new IllegalStateException("wrapped", refused));
        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).contains("no API key is configured");
        assertThat(analysis.getAction()).contains("tagger.security");
    }

    @Test
    void settingsDefaultToOpenAndNeverPrintTheKeys() {
        SecurityProperties defaults = new SecurityProperties(null, null, null, null, null);
        assertThat(defaults.allowOpen()).isTrue();
        assertThat(defaults.openManagement()).isTrue();
        SecurityProperties set = new SecurityProperties(List.of(ADMIN_KEY), List.of(CLASSIFY_KEY), false, false, true);
        assertThat(set.toString()).doesNotContain(ADMIN_KEY).doesNotContain(CLASSIFY_KEY).contains("adminKeys=1");
        assertThat(ApiKeys.of(set.adminKeys(), set.classifyKeys()).toString()).doesNotContain(ADMIN_KEY);
        ApiKeyAuthentication presented = ApiKeyAuthentication.presented(ADMIN_KEY);
        assertThat(presented.toString()).doesNotContain(ADMIN_KEY);
        assertThat(presented.isAuthenticated()).isFalse();
    }
}
