package dev.tagger.io;

import java.security.SecureRandom;
import java.time.Instant;

/** Ids for stored datasets and jobs: time-ordered and readable, safe in paths and URLs. */
public final class StoreIds {

    private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private StoreIds() {
    }

    /** Base-36 milliseconds, a dash, 6 random base-36 characters, e.g. {@code mwzwptgg-yb0qks}. */
    public static String timeOrdered(Instant now) {
        StringBuilder sb = new StringBuilder(Long.toString(now.toEpochMilli(), 36)).append('-');
        for (int i = 0; i < 6; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
