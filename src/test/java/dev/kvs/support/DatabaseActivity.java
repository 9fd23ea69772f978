package dev.kvs.support;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Waits, through pg_stat_activity, until a backend of the current database is (or none is) in a given state. */
public final class DatabaseActivity {
  private DatabaseActivity() {}

  /**
   * Polls until some backend matches {@code condition} (SQL over pg_stat_activity's columns),
   * failing with {@code failure} after 10 s, and with what every backend was doing then.
   */
  public static void await(Statement sql, String condition, String failure) throws SQLException, InterruptedException {
    awaitCount(sql, condition, true, failure);
  }

  /** Polls until no backend matches {@code condition}; otherwise as {@link #await}. */
  public static void awaitNone(Statement sql, String condition, String failure) throws SQLException, InterruptedException {
    awaitCount(sql, condition, false, failure);
  }

  private static void awaitCount(Statement sql, String condition, boolean some, String failure)
      throws SQLException, InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      try (ResultSet rs = sql.executeQuery(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND " + condition)) {
        rs.next();
        if ((rs.getInt(1) > 0) == some) {
          return;
        }
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(failure + "; backends: " + backends(sql));
      }
      Thread.sleep(10);
    }
  }

  private static String backends(Statement sql) throws SQLException {
    StringBuilder sb = new StringBuilder();
    try (ResultSet rs = sql.executeQuery("SELECT application_name, state, wait_event_type, wait_event, left(query, 40)"
        + " FROM pg_stat_activity WHERE datname = current_database()")) {
      while (rs.next()) {
        sb.append("\n  ").append(rs.getString(1)).append(" | ").append(rs.getString(2)).append(" | ")
            .append(rs.getString(3)).append(" | ").append(rs.getString(4)).append(" | ").append(rs.getString(5));
      }
    }
    return sb.toString();
  }
}
