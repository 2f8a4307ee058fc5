package dev.tagger.store.shared;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

import java.sql.Connection;
import java.sql.SQLException;

/** The shared store's PostgreSQL: a pool, and the schema brought up to date by Flyway (db/migration). */
public final class Database {

    private Database() {
    }

    /**
     * Opens a pool and migrates the schema. Every replica may do this at once: Flyway serialises migrations
     * with a lock of its own.
     */
    public static HikariDataSource open(String jdbcUrl, String username, String password, int poolSize) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(jdbcUrl);
        c.setUsername(username);
        c.setPassword(password);
        c.setMaximumPoolSize(poolSize);
        c.setPoolName("tagger-shared");
        // Admin calls fail fast while the database is down (and answer 503) instead of hanging for half a minute.
        c.setConnectionTimeout(3_000);
        // A replica may start before its database: the pool opens empty and connects on first use.
        c.setInitializationFailTimeout(-1);
        HikariDataSource ds = new HikariDataSource(c);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        return ds;
    }

    /** Work done in one transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in a transaction: committed when it returns, rolled back when it throws. */
    static <T> T inTransaction(javax.sql.DataSource ds, Work<T> work) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                T out = work.run(c);
                c.commit();
                return out;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            if (unreachable(e)) {
                throw new StoreUnavailableException(e);
            }
            // Not an outage: a statement this code got wrong, which must not pass for a 503 that goes away.
            throw new IllegalStateException("database error: " + e.getMessage(), e);
        }
    }

    /** The database cannot be reached or is shutting down (SQL state class 08, 57P0x), or no connection came. */
    static boolean unreachable(SQLException e) {
        String state = e.getSQLState();
        return e instanceof java.sql.SQLTransientConnectionException || e instanceof java.sql.SQLRecoverableException
                || state == null || state.startsWith("08") || state.startsWith("57P");
    }
}
