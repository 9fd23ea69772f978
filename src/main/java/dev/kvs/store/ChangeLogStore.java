package dev.kvs.store;

import static dev.kvs.store.Timestamps.millis;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads of the change log (kv_changes, see V3__change_log.sql). Every read stops at the
 * <em>settled horizon</em>: only changes of transactions older than every transaction still
 * running, which can no longer appear, so that a cursor never skips a change that commits late.
 */
public final class ChangeLogStore {
  private static final String SETTLED = "txid < pg_snapshot_xmin(pg_current_snapshot())";
  private static final String COLUMNS = "txid::text, seq, ns, key, op, created_at, expired_at";
  /**
   * Log order, qualified: a bare {@code txid} would name the output column {@code txid::text}, which
   * sorts "10" before "9" (a page could then skip changes) and cannot walk the index.
   */
  private static final String LOG_ORDER = "ORDER BY kv_changes.txid, kv_changes.seq";

  private static final String AFTER = "SELECT " + COLUMNS + " FROM kv_changes"
      + " WHERE (txid, seq) > ($1::text::xid8, $2) AND " + SETTLED + " " + LOG_ORDER + " LIMIT $3";

  /**
   * Only changes of the namespace as it is now: none of a namespace of the same name deleted before
   * it was created (again), should its deletion have left any. A namespace registered before
   * created_txid existed (NULL), or not registered at all (authentication off), shows them all.
   */
  private static final String SINCE_CREATED =
      "txid >= coalesce((SELECT created_txid FROM namespaces WHERE name = $1), '0'::xid8)";

  /**
   * One statement, so that the trim cannot move between the check of the cursor and the read:
   * one row with expired = true when changes after the cursor may have been trimmed away, else the
   * changes (or one row of NULLs when there are none).
   */
  private static final String SINCE = """
      SELECT t.expired, c.* FROM
        (SELECT ($2::text::xid8, $3::bigint) < (txid, seq) AS expired FROM kv_changes_trimmed) t
      LEFT JOIN LATERAL (
        SELECT %s FROM kv_changes
        WHERE ns = $1 AND (txid, seq) > ($2::text::xid8, $3) AND %s AND %s
        %s LIMIT $4
      ) c ON NOT t.expired
      """.formatted(COLUMNS, SETTLED, SINCE_CREATED, LOG_ORDER);

  private static final String TRIMMED = "SELECT txid::text, seq FROM kv_changes_trimmed";
  private static final String HORIZON = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text";

  private final SqlClient client;

  public ChangeLogStore(SqlClient client) {
    this.client = client;
  }

  /** What a catch-up read found: the changes, or that the cursor is older than the log. */
  public record Since(boolean expired, List<LoggedChange> changes) {}

  /** Up to {@code limit} settled changes of every namespace after {@code cursor}, in log order. */
  public Future<List<LoggedChange>> after(ChangeCursor cursor, int limit) {
    return client.preparedQuery(AFTER)
        .execute(Tuple.of(Long.toString(cursor.txid()), cursor.seq(), limit))
        .map(rows -> {
          List<LoggedChange> changes = new ArrayList<>(rows.size());
          for (Row row : rows) {
            changes.add(change(row, 0));
          }
          return changes;
        });
  }

  /** Up to {@code limit} settled changes of one namespace after {@code cursor}, in log order. */
  public Future<Since> since(String ns, ChangeCursor cursor, int limit) {
    return client.preparedQuery(SINCE)
        .execute(Tuple.of(ns, Long.toString(cursor.txid()), cursor.seq(), limit))
        .map(rows -> {
          List<LoggedChange> changes = new ArrayList<>(rows.size());
          for (Row row : rows) {
            if (row.getBoolean(0)) {
              return new Since(true, List.of());
            }
            if (row.getString(1) != null) {
              changes.add(change(row, 1));
            }
          }
          return new Since(false, changes);
        });
  }

  /** How far the retention trim has gone: changes at or before this cursor are gone. */
  public Future<ChangeCursor> trimmed() {
    return client.query(TRIMMED).execute().map(rows -> {
      Row row = rows.iterator().next();
      return new ChangeCursor(Long.parseLong(row.getString(0)), row.getLong(1));
    });
  }

  /** A cursor just before every change not yet settled: where a reader that wants only new changes starts. */
  public Future<ChangeCursor> horizon() {
    return client.query(HORIZON).execute()
        .map(rows -> new ChangeCursor(Long.parseLong(rows.iterator().next().getString(0)), 0));
  }

  private static LoggedChange change(Row row, int at) {
    return new LoggedChange(new ChangeCursor(Long.parseLong(row.getString(at)), row.getLong(at + 1)),
        row.getString(at + 2), row.getString(at + 3), row.getString(at + 4), millis(row, at + 5), millis(row, at + 6));
  }
}
