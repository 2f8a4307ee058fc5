package dev.tagger.config;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What this replica does ({@code tagger.roles}): {@code api} serves the HTTP API (classify, models, datasets, jobs),
 * {@code trainer} runs training jobs. Both by default, as one process always has. In the shared store's shape API
 * replicas never train, and trainers take no API traffic: health and metrics only.
 */
@Component
public class Roles {

    public static final String API = "api";
    public static final String TRAINER = "trainer";

    private final Set<String> roles;

    public Roles(@Value("${tagger.roles:api,trainer}") List<String> configured) {
        Set<String> out = new LinkedHashSet<>();
        for (String r : configured) {
            String role = r.trim().toLowerCase(Locale.ROOT);
            if (!role.equals(API) && !role.equals(TRAINER)) {
                throw new IllegalArgumentException("tagger.roles: unknown role '" + r + "'; the roles are api and "
                        + "trainer");
            }
            out.add(role);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("tagger.roles needs api, trainer or both");
        }
        this.roles = Set.copyOf(out);
    }

    public static Roles of(String... roles) {
        return new Roles(List.of(roles));
    }

    public boolean api() {
        return roles.contains(API);
    }

    public boolean trainer() {
        return roles.contains(TRAINER);
    }

    /** The roles in a fixed order, comma-separated: {@code api,trainer}, {@code api} or {@code trainer}. */
    @Override
    public String toString() {
        return api() && trainer() ? API + "," + TRAINER : api() ? API : TRAINER;
    }
}
