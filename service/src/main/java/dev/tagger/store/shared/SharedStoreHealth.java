package dev.tagger.store.shared;

import dev.tagger.config.Roles;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The shared store as readiness sees it, by role. A trainer needs PostgreSQL to claim and record jobs: without it it
 * is not ready. An API replica serves /classify from memory and answers admin calls 503 while the database is away,
 * so it stays ready (taking it out of the Service would fail the very requests that work) and says so in the details.
 */
public final class SharedStoreHealth implements HealthIndicator {

    private final DataSource ds;
    private final Roles roles;

    public SharedStoreHealth(DataSource ds, Roles roles) {
        this.ds = ds;
        this.roles = roles;
    }

    @Override
    public Health health() {
        String problem = null;
        try (Connection c = ds.getConnection()) {
            if (!c.isValid(2)) {
                problem = "the connection did not validate";
            }
        } catch (SQLException e) {
            problem = e.getMessage();
        }
        if (problem == null) {
            return Health.up().withDetail("mode", "shared").withDetail("database", "up").build();
        }
        Health.Builder b = roles.trainer() && !roles.api() ? Health.outOfService() : Health.up();
        return b.withDetail("mode", "shared").withDetail("database", "unreachable: " + problem)
                .withDetail("effect", roles.api() ? "admin calls answer 503; classify is unaffected"
                        : "no job is claimed until it is back").build();
    }
}
