package dev.tagger.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.List;
import java.util.Objects;

/**
 * {@code tagger.security.*}: who may call the API. Kept apart from {@link TaggerProperties} so that the keys
 * never travel with the other settings, and {@link #toString()} never prints them.
 *
 * @param adminKeys      keys allowed to do everything; each entry is a key, or {@code sha256:<hex>} of one
 *                       (comma-separated in {@code TAGGER_SECURITY_ADMIN_KEYS})
 * @param classifyKeys   keys allowed to classify and to read the models only ({@code TAGGER_SECURITY_CLASSIFY_KEYS})
 * @param allowOpen        whether the service may start without any key at all (default true); false makes a
 *                         missing key a start-up error
 * @param openManagement   whether health, info and prometheus answer without a key (default true)
 * @param allowOpenNetwork whether, without any key, the service listens beyond loopback (default false: protected
 *                         mode, see security/ProtectedMode); keys, once set, open it whatever this says
 */
@ConfigurationProperties("tagger.security")
public record SecurityProperties(List<String> adminKeys, List<String> classifyKeys, Boolean allowOpen,
                                 Boolean openManagement, Boolean allowOpenNetwork) {

    public SecurityProperties {
        adminKeys = adminKeys == null ? List.of() : adminKeys.stream().filter(Objects::nonNull).toList();
        classifyKeys = classifyKeys == null ? List.of() : classifyKeys.stream().filter(Objects::nonNull).toList();
        allowOpen = allowOpen == null || allowOpen;
        openManagement = openManagement == null || openManagement;
        allowOpenNetwork = allowOpenNetwork != null && allowOpenNetwork;
    }

    /** Counts the keys instead of printing them. */
    @Override
    public String toString() {
        return "SecurityProperties[adminKeys=" + adminKeys.size() + " entries, classifyKeys=" + classifyKeys.size()
                + " entries, allowOpen=" + allowOpen + ", openManagement=" + openManagement + ", allowOpenNetwork=" + allowOpenNetwork + "]";
    }
}
