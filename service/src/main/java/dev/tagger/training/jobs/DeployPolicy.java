package dev.tagger.training.jobs;

import java.util.Locale;

/** What a successful job does with its model. */
public enum DeployPolicy {
    /** Only store it; it can be deployed later. */
    NEVER,
    /** Serve it when its macro-F1 beats the served model's on the same validation data. */
    IF_BETTER,
    /** Serve it. */
    ALWAYS;

    /** never, if_better or always: how requests, responses and job files spell it. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses never, if_better or always. */
    public static DeployPolicy parse(String value) {
        for (DeployPolicy p : values()) {
            if (p.key().equals(value)) {
                return p;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not a deploy policy; use never, if_better or always");
    }
}
