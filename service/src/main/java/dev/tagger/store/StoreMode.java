package dev.tagger.store;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.util.Locale;

/**
 * Checks {@code tagger.store.mode} at start: {@code local} (files, the default) or {@code shared} (PostgreSQL and
 * S3). Anything else would match neither store configuration and fail later with a missing bean; this names the
 * setting instead.
 */
@Component
public class StoreMode {

    private final String mode;

    public StoreMode(@Value("${tagger.store.mode:local}") String mode) {
        String m = mode == null ? "" : mode.trim().toLowerCase(Locale.ROOT);
        if (!m.equals("local") && !m.equals("shared")) {
            throw new IllegalArgumentException("tagger.store.mode must be local (files under tagger.store.dir) or "
                    + "shared (PostgreSQL and S3, see tagger.shared.*), not '" + mode + "'");
        }
        if (!m.equals(mode)) {
            // the store configurations match the exact value
            throw new IllegalArgumentException("tagger.store.mode is written in lower case: '" + m + "'");
        }
        this.mode = m;
    }

    public boolean shared() {
        return mode.equals("shared");
    }
}
