package dev.kvs.support;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Waits, through pg_stat_activity, until a backend of the current database is in a given state. */
public final class DatabaseActivity {
  private DatabaseActivity() {}

  /**
   * Polls until some backend matches {@code condition} (SQL over pg_stat_activity's columns),
   * failing with {@code failure} after 10 s.
   */
  public static void await(Statement sql, String condition, String failure) throws SQLException, InterruptedException {
    await(sql, condition, 1, failure);
  }

  /** As {@link #await(Statement, String, String)}, until at least {@code backends} backends match. */
  public static void await(Statement sql, String condition, int backends, String failure)
      throws SQLException, InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      try (ResultSet rs = sql.executeQuery(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND " + condition)) {
        rs.next();
        if (rs.getInt(1) >= backends) {
          return;
        }
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(failure);
      }
      Thread.sleep(10);
    }
  }
}
