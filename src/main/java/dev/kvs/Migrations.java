package dev.kvs;

import dev.kvs.config.DatabaseConfig;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the SQL migrations shipped in the jar under {@code db/migration}. Blocking (JDBC):
 * callers run it on a worker thread. Flyway serialises concurrent starts of several replicas
 * with a PostgreSQL advisory lock, so a rolling deploy can start them all at once.
 */
public final class Migrations {
  private Migrations() {}

  public static MigrateResult apply(DatabaseConfig db) {
    Flyway flyway = Flyway.configure()
        .dataSource(db.jdbcUrl(), db.user(), db.password())
        .jdbcProperties(db.jdbcProperties())
        .locations("classpath:db/migration")
        .connectRetries(0)
        .load();
    return flyway.migrate();
  }
}
