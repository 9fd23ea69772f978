package dev.kvs.store;

import static dev.kvs.store.Timestamps.millis;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The namespaces table. Deleting a namespace is three steps, so that no statement is long: mark it
 * (it stops existing for every caller, its tokens go), delete its records and then its change log in
 * batches, and, once no write that began before the mark can still be running, sweep both once more
 * and drop the row.
 */
public final class NamespaceStore {
  private static final String COLUMNS =
      "name, max_ttl_minutes, max_value_bytes, max_metadata_bytes, requests_per_second, created_at, deleting_since IS NOT NULL";
  private static final String FIND = "SELECT " + COLUMNS + " FROM namespaces WHERE name = $1";
  private static final String LIST =
      "SELECT " + COLUMNS + " FROM namespaces WHERE deleting_since IS NULL ORDER BY name";
  private static final String INSERT = "INSERT INTO namespaces"
      + " (name, max_ttl_minutes, max_value_bytes, max_metadata_bytes, requests_per_second)"
      + " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING RETURNING " + COLUMNS;
  /**
   * A namespace created again while its deletion is pending: its old records and changes are gone
   * by then. created_txid moves on, so that its change log starts afresh (see V4).
   */
  private static final String REVIVE = "UPDATE namespaces SET max_ttl_minutes = $2, max_value_bytes = $3,"
      + " max_metadata_bytes = $4, requests_per_second = $5, created_at = now(), created_txid = pg_current_xact_id(),"
      + " deleting_since = NULL"
      + " WHERE name = $1 AND deleting_since IS NOT NULL RETURNING " + COLUMNS;
  private static final String UPDATE = "UPDATE namespaces SET"
      + " max_ttl_minutes = CASE WHEN $2 THEN $3 ELSE max_ttl_minutes END,"
      + " max_value_bytes = CASE WHEN $4 THEN $5 ELSE max_value_bytes END,"
      + " max_metadata_bytes = CASE WHEN $6 THEN $7 ELSE max_metadata_bytes END,"
      + " requests_per_second = CASE WHEN $8 THEN $9 ELSE requests_per_second END"
      + " WHERE name = $1 AND deleting_since IS NULL RETURNING " + COLUMNS;
  private static final String MARK_DELETING =
      "UPDATE namespaces SET deleting_since = now() WHERE name = $1 AND deleting_since IS NULL RETURNING name";
  private static final String DELETE_TOKENS = "DELETE FROM tokens WHERE namespace = $1";
  /**
   * One batch of the records of a namespace being deleted (none once it is created again): how many
   * were chosen. FOR UPDATE waits for a writer holding a row and then takes its newest version,
   * and the DELETE goes by ctid alone (a TID scan).
   */
  private static final String DELETE_RECORDS_BATCH = """
      WITH batch AS (
        SELECT ctid FROM kv
        WHERE ns = $1 AND EXISTS (SELECT 1 FROM namespaces WHERE name = $1 AND deleting_since IS NOT NULL)
        LIMIT $2
        FOR UPDATE
      ), gone AS (
        DELETE FROM kv WHERE ctid = ANY (ARRAY (SELECT ctid FROM batch)) RETURNING 1
      )
      SELECT (SELECT count(*) FROM batch), (SELECT count(*) FROM gone)
      """;
  /**
   * One batch of the change log of a namespace being deleted (none once it is created again), in
   * log order after the position $2/$3 where the previous batch ended, so that no batch walks over
   * the index entries of those before it: how many were chosen, and the last one. SKIP LOCKED
   * passes over rows the retention trim is deleting (it deletes them anyway), so this never waits
   * for the trim and the two cannot deadlock.
   */
  private static final String DELETE_CHANGES_BATCH = """
      WITH batch AS (
        SELECT ctid, txid, seq FROM kv_changes
        WHERE ns = $1 AND (txid, seq) > ($2::text::xid8, $3)
          AND EXISTS (SELECT 1 FROM namespaces WHERE name = $1 AND deleting_since IS NOT NULL)
        ORDER BY txid, seq LIMIT $4
        FOR UPDATE SKIP LOCKED
      ), gone AS (
        DELETE FROM kv_changes WHERE ctid = ANY (ARRAY (SELECT ctid FROM batch))
      )
      SELECT (SELECT count(*) FROM batch), b.txid::text AS last_txid, b.seq AS last_seq
      FROM batch b ORDER BY b.txid DESC, b.seq DESC LIMIT 1
      """;
  private static final String DELETING_SINCE_BEFORE =
      "SELECT name FROM namespaces WHERE deleting_since < now() - make_interval(secs => $1 / 1000.0)";
  private static final String DROP_IF_DELETING = "DELETE FROM namespaces WHERE name = $1 AND deleting_since IS NOT NULL";

  private final Pool pool;
  private final int batchSize;

  /** @param batchSize records deleted per statement when a namespace goes */
  public NamespaceStore(Pool pool, int batchSize) {
    this.pool = pool;
    this.batchSize = batchSize;
  }

  /** The namespace, also while it is being deleted; null when there is no such row. */
  public Future<NamespaceRow> find(String name) {
    return pool.preparedQuery(FIND).execute(Tuple.of(name)).map(rows -> first(rows.iterator()));
  }

  /** The namespaces that exist (not being deleted), by name. */
  public Future<List<NamespaceRow>> list() {
    return pool.preparedQuery(LIST).execute().map(rows -> {
      List<NamespaceRow> all = new ArrayList<>(rows.size());
      rows.forEach(row -> all.add(toRow(row)));
      return all;
    });
  }

  /**
   * Creates the namespace; null when it exists already. One whose deletion is still pending is
   * finished first (its remaining records deleted) and then created anew.
   */
  public Future<NamespaceRow> create(String name, NamespaceRow.Limits limits) {
    Tuple params = Tuple.of(name, limits.maxTtlMinutes(), limits.maxValueBytes(), limits.maxMetadataBytes(),
        limits.requestsPerSecond());
    return pool.preparedQuery(INSERT).execute(params).compose(rows -> {
      NamespaceRow created = first(rows.iterator());
      if (created != null) {
        return Future.succeededFuture(created);
      }
      return find(name).compose(existing -> existing == null || !existing.deleting()
          ? Future.succeededFuture(null)
          : deleteRecordsAndChanges(name).compose(gone -> pool.preparedQuery(REVIVE).execute(params))
              .map(revived -> first(revived.iterator())));
    });
  }

  /** Sets the limits whose {@code set} flag is true (a null value: back to the default); null when absent. */
  public Future<NamespaceRow> update(String name, boolean[] set, NamespaceRow.Limits limits) {
    Tuple params = Tuple.of(name, set[0], limits.maxTtlMinutes(), set[1], limits.maxValueBytes(), set[2],
        limits.maxMetadataBytes()).addBoolean(set[3]).addInteger(limits.requestsPerSecond());
    return pool.preparedQuery(UPDATE).execute(params).map(rows -> first(rows.iterator()));
  }

  /**
   * Marks the namespace deleted and deletes its tokens, in one transaction; false when it did not
   * exist. Its records and changes are still there: {@link #deleteRecordsAndChanges} removes them.
   */
  public Future<Boolean> markDeleting(String name) {
    return pool.withTransaction(conn -> conn.preparedQuery(MARK_DELETING).execute(Tuple.of(name))
        .compose(marked -> marked.rowCount() == 0
            ? Future.succeededFuture(false)
            : conn.preparedQuery(DELETE_TOKENS).execute(Tuple.of(name)).map(true)));
  }

  /**
   * Deletes the records of a namespace being deleted, then its changes (their keys and times must
   * not outlive it: a namespace created again under its name is another owner's), one short
   * statement per batch.
   */
  public Future<Void> deleteRecordsAndChanges(String name) {
    return deleteRecords(name).compose(records -> deleteChanges(name, ChangeCursor.START));
  }

  /** Deletes the records of a namespace being deleted, a batch at a time, until a batch finds none. */
  private Future<Void> deleteRecords(String name) {
    return pool.preparedQuery(DELETE_RECORDS_BATCH).execute(Tuple.of(name, batchSize)).compose(rows ->
        rows.iterator().next().getLong(0) == 0 ? Future.succeededFuture() : deleteRecords(name));
  }

  /** Deletes the changes of a namespace being deleted after {@code from}, a batch at a time, until a batch is not full. */
  private Future<Void> deleteChanges(String name, ChangeCursor from) {
    Tuple params = Tuple.of(name, Long.toString(from.txid()), from.seq(), batchSize);
    return pool.preparedQuery(DELETE_CHANGES_BATCH).execute(params).compose(rows -> {
      RowIterator<Row> it = rows.iterator();
      if (!it.hasNext()) {
        return Future.succeededFuture();
      }
      Row last = it.next();
      ChangeCursor next = new ChangeCursor(Long.parseLong(last.getString(1)), last.getLong(2));
      return last.getLong(0) < batchSize ? Future.succeededFuture() : deleteChanges(name, next);
    });
  }

  /** Namespaces marked for deletion more than {@code graceMs} ago. */
  public Future<List<String>> deletingFor(long graceMs) {
    return pool.preparedQuery(DELETING_SINCE_BEFORE).execute(Tuple.of(graceMs)).map(rows -> {
      List<String> names = new ArrayList<>(rows.size());
      rows.forEach(row -> names.add(row.getString(0)));
      return names;
    });
  }

  /** The last step of a deletion: the remaining records and changes, then the row itself (unless it was created again). */
  public Future<Void> finishDeletion(String name) {
    return deleteRecordsAndChanges(name)
        .compose(gone -> pool.preparedQuery(DROP_IF_DELETING).execute(Tuple.of(name)))
        .mapEmpty();
  }

  private static NamespaceRow first(RowIterator<Row> it) {
    return it.hasNext() ? toRow(it.next()) : null;
  }

  private static NamespaceRow toRow(Row row) {
    return new NamespaceRow(row.getString(0), row.getLong(1), row.getInteger(2), row.getInteger(3), row.getInteger(4),
        millis(row, 5), row.getBoolean(6));
  }
}
