package dev.kvs.store;

import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** timestamptz columns and parameters as unix milliseconds. */
final class Timestamps {
  private Timestamps() {}

  static long millis(Row row, int column) {
    return row.getOffsetDateTime(column).toInstant().toEpochMilli();
  }

  /** The column as unix milliseconds, or null when it is NULL. */
  static Long millisOrNull(Row row, int column) {
    OffsetDateTime t = row.getOffsetDateTime(column);
    return t == null ? null : t.toInstant().toEpochMilli();
  }

  static OffsetDateTime utc(long unixMs) {
    return Instant.ofEpochMilli(unixMs).atOffset(ZoneOffset.UTC);
  }

  static OffsetDateTime utcOrNull(Long unixMs) {
    return unixMs == null ? null : utc(unixMs);
  }
}
