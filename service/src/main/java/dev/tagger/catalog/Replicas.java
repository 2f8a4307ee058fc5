package dev.tagger.catalog;

import java.time.Instant;
import java.util.List;

/**
 * The replicas of this service and the model each serves: with local files there is one (this process); in the
 * shared store every replica reports itself to the database with a heartbeat.
 */
public interface Replicas {

    /**
     * @param roles        {@code api,trainer}, {@code api} or {@code trainer}
     * @param servingSince when this replica started serving that version
     * @param heartbeatAt  when it last reported (a replica that stopped reporting is {@code alive: false})
     */
    record Replica(String id, String roles, String modelId, String modelVersion, Instant servingSince,
                   Instant startedAt, Instant heartbeatAt, boolean alive, boolean self) {
    }

    /** Every replica that reported recently enough to be listed, this one first. */
    List<Replica> list();
}
