package dev.tagger.security;

import dev.tagger.config.SecurityProperties;

import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Protected mode, as Redis has it: with no API key configured the service listens on the loopback address only,
 * so an open API is reachable from this machine alone. It opens to the network once keys are set, or with
 * {@code tagger.security.allow-open-network=true}.
 *
 * <p>An environment post-processor rather than a web-server customizer because it must also cover the actuator's
 * own server (management.server.port), which lives in a child context that never sees the parent's customizers.
 * An explicit non-loopback {@code server.address} without keys stops the start instead of being quietly replaced.
 */
public final class ProtectedMode implements EnvironmentPostProcessor, Ordered {

    static final String SOURCE = "taggerProtectedMode";
    static final String ALLOW_OPEN_NETWORK = "tagger.security.allow-open-network";

    private final Log log;

    public ProtectedMode(DeferredLogFactory logs) {
        this.log = logs.getLog(ProtectedMode.class);
    }

    @Override
    public int getOrder() {
        // After the configuration files and profiles have been read.
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        SecurityProperties props = Binder.get(env).bind("tagger.security", SecurityProperties.class)
                .orElseGet(() -> new SecurityProperties(null, null, null, null, null));
        if (!ApiKeys.of(props.adminKeys(), props.classifyKeys()).isEmpty() || !props.allowOpen()) {
            // Keyed: listen where server.address says. No key and allow-open=false: ApiKeys.load stops the start.
            return;
        }
        if (props.allowOpenNetwork()) {
            log.warn("No API key is configured and " + ALLOW_OPEN_NETWORK + " is true: the API is OPEN to anyone "
                    + "who can reach it, including registering, training, deploying and deleting models. Set "
                    + "tagger.security.admin-keys to require keys.");
            return;
        }
        String loopback = InetAddress.getLoopbackAddress().getHostAddress();
        Map<String, Object> bind = new LinkedHashMap<>();
        pin(env, "server.address", loopback, bind);
        String managementPort = env.getProperty("management.server.port");
        if (managementPort != null && !managementPort.isBlank() && !managementPort.strip().equals("-1")
                && !managementPort.strip().equals(env.getProperty("server.port", "8080").strip())) {
            pin(env, "management.server.address", loopback, bind);
        }
        if (!bind.isEmpty()) {
            env.getPropertySources().addFirst(new MapPropertySource(SOURCE, bind));
        }
        log.warn("Protected mode: no API key is configured, so the service listens on "
                + env.getProperty("server.address") + " (loopback) only. To serve other machines set "
                + "tagger.security.admin-keys (TAGGER_SECURITY_ADMIN_KEYS), or " + ALLOW_OPEN_NETWORK
                + "=true to open it to the network without keys.");
    }

    /** Binds {@code property} to loopback unless it is set; a set address must be a loopback one. */
    private static void pin(ConfigurableEnvironment env, String property, String loopback, Map<String, Object> bind) {
        String set = env.getProperty(property);
        if (set == null || set.isBlank()) {
            bind.put(property, loopback);
        } else if (!isLoopback(set.strip())) {
            throw new ApiKeyConfigurationException(property + " is " + set.strip() + " but no API key is configured, "
                    + "and without keys the service listens on loopback only (protected mode). Set "
                    + "tagger.security.admin-keys, or " + ALLOW_OPEN_NETWORK + "=true to serve " + set.strip()
                    + " without keys.");
        }
    }

    static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
