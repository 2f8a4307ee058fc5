package dev.tagger.security;

import dev.tagger.config.SecurityProperties;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The configured API keys and the roles each one grants.
 *
 * <p>Only SHA-256 digests are kept: a plain entry is hashed at start, a {@code sha256:<hex>} entry is taken as
 * it is. A presented key is hashed and compared with every entry in constant time, so neither the answer time
 * nor anything stored gives a key away. Entries are named by their place in the configuration
 * ({@code admin-keys[0]}), which is what logs may show instead of a key.
 */
public final class ApiKeys {

    private static final String HASH_PREFIX = "sha256:";
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    /** What a key may do; an admin key may also do everything a classify key may. */
    public enum Role {
        CLASSIFY, ADMIN;

        /** The Spring Security authority of this role. */
        public String authority() {
            return "ROLE_" + name();
        }
    }

    /** A presented key that matched: the name of the (first) entry it matched and every role it grants. */
    public record Match(String name, Set<Role> roles) {
    }

    private record Entry(String name, byte[] digest, Set<Role> roles) {
    }

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = entries;
    }

    /**
     * Reads the keys. With no key at all the service is open (on loopback only unless allow-open-network is
     * true: see {@link ProtectedMode}), unless {@code allow-open} is false, which stops the start.
     *
     * @throws ApiKeyConfigurationException when an entry is malformed, or no key is set and open mode is refused
     */
    public static ApiKeys load(SecurityProperties props) {
        ApiKeys keys = of(props.adminKeys(), props.classifyKeys());
        // Open mode is allowed quietly here: ProtectedMode has said at start where an open service listens.
        if (keys.isEmpty() && !props.allowOpen()) {
            throw new ApiKeyConfigurationException("no API key is configured and tagger.security.allow-open is "
                    + "false, so the service refuses to start open. Set tagger.security.admin-keys "
                    + "(TAGGER_SECURITY_ADMIN_KEYS) and/or tagger.security.classify-keys "
                    + "(TAGGER_SECURITY_CLASSIFY_KEYS), comma-separated, or allow open mode.");
        }
        return keys;
    }

    /**
     * Builds the key set; blank entries are skipped, surrounding spaces ignored.
     *
     * @throws ApiKeyConfigurationException when a {@code sha256:} entry is not 64 hex digits (the message names
     *                                      the entry by its place, never by its value)
     */
    public static ApiKeys of(List<String> adminKeys, List<String> classifyKeys) {
        List<Entry> entries = new ArrayList<>();
        add(entries, "admin-keys", adminKeys, EnumSet.of(Role.ADMIN, Role.CLASSIFY));
        add(entries, "classify-keys", classifyKeys, EnumSet.of(Role.CLASSIFY));
        return new ApiKeys(List.copyOf(entries));
    }

    private static void add(List<Entry> entries, String list, List<String> values, Set<Role> roles) {
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i) == null ? "" : values.get(i).strip();
            if (value.isEmpty()) {
                continue;
            }
            String name = list + "[" + i + "]";
            byte[] digest;
            if (value.regionMatches(true, 0, HASH_PREFIX, 0, HASH_PREFIX.length())) {
                String hex = value.substring(HASH_PREFIX.length());
                if (!SHA256_HEX.matcher(hex).matches()) {
                    throw new ApiKeyConfigurationException("tagger.security." + name + " starts with '" + HASH_PREFIX
                            + "' but what follows is not 64 hexadecimal digits (the SHA-256 of the key, as printed "
                            + "by: printf %s \"$KEY\" | sha256sum)");
                }
                digest = HexFormat.of().parseHex(hex);
            } else {
                digest = sha256(value);
            }
            entries.add(new Entry(name, digest, Set.copyOf(roles)));
        }
    }

    /** No key configured: the service runs open. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** How many entries there are (for the start-up log line). */
    public int size() {
        return entries.size();
    }

    /** The entry a presented key matches, with the union of the roles of all the entries it matches. */
    public Optional<Match> match(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] digest = sha256(presented);
        String name = null;
        Set<Role> roles = EnumSet.noneOf(Role.class);
        // Every entry is compared, whatever matched before, so the time does not depend on which entry matches.
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.digest, digest)) {
                if (name == null) {
                    name = e.name;
                }
                roles.addAll(e.roles);
            }
        }
        return name == null ? Optional.empty() : Optional.of(new Match(name, Set.copyOf(roles)));
    }

    /** SHA-256 of the UTF-8 bytes of a key. */
    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "ApiKeys[" + entries.size() + " entries]";
    }
}
