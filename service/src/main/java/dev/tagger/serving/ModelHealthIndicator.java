package dev.tagger.serving;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Readiness: DOWN until the served model is loaded and warmed up. */
@Component("model")
public class ModelHealthIndicator implements HealthIndicator {

    private final PredictorPool pool;

    public ModelHealthIndicator(PredictorPool pool) {
        this.pool = pool;
    }

    @Override
    public Health health() {
        ServingModel m = pool.current();
        if (m == null) {
            Health.Builder b = Health.outOfService();
            return pool.loadError() != null ? b.withDetail("error", pool.loadError()).build()
                    : b.withDetail("state", "loading").build();
        }
        return Health.up().withDetail("id", m.bundle().id()).withDetail("version", m.bundle().version())
                .withDetail("devices", m.devices().toString()).withDetail("queued", pool.queue().size()).build();
    }
}
