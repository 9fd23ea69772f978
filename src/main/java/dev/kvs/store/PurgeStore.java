package dev.kvs.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.Tuple;

/** The purge's statements, on the background pool so that a purge never waits behind user traffic. */
public final class PurgeStore {
  /** Advisory lock key that elects the one replica purging at a time ("kvspurge" in ASCII). */
  public static final long PURGE_LOCK_KEY = 0x6b76_7370_7572_6765L;

  /** What one batch did; {@code chosen < batchSize} means the backlog is drained. */
  public record Batch(int chosen, int deleted) {
    static final Batch SKIPPED = new Batch(-1, -1);

    /** Another replica holds the purge lock. */
    public boolean skipped() {
      return chosen < 0;
    }
  }

  /**
   * Drops the oldest changes of the log that are past their retention, {@code $2} at most, as a
   * prefix in log order (it stops at the first change still retained), and moves the trim mark
   * (kv_changes_trimmed) to the last one dropped. $1: retention in minutes.
   */
  private static final String TRIM_CHANGES = """
      WITH head AS (
        SELECT txid, seq, logged_at < now() - make_interval(mins => $1::int) AS old FROM kv_changes
        WHERE txid < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY txid, seq LIMIT $2
      ), doomed AS (
        SELECT txid, seq FROM head h
        WHERE old AND NOT EXISTS (SELECT 1 FROM head k WHERE NOT k.old AND (k.txid, k.seq) < (h.txid, h.seq))
      ), gone AS (
        DELETE FROM kv_changes c USING doomed d WHERE c.txid = d.txid AND c.seq = d.seq RETURNING c.txid, c.seq
      ), last AS (
        SELECT txid, seq FROM gone ORDER BY txid DESC, seq DESC LIMIT 1
      ), moved AS (
        UPDATE kv_changes_trimmed t SET txid = last.txid, seq = last.seq FROM last
        WHERE (t.txid, t.seq) < (last.txid, last.seq)
      )
      SELECT count(*) FROM gone
      """;

  private final Pool pool;
  private final int batchSize;
  private final String deleteBatch;
  private final String oldestPurgeable;

  /**
   * @param graceMs how long a row is kept after its created_at even when expired: longer than any
   *     statement may run (see {@link SqlStatements#deleteExpiredBatch})
   */
  public PurgeStore(Pool pool, int batchSize, long graceMs) {
    this.pool = pool;
    this.batchSize = batchSize;
    this.deleteBatch = SqlStatements.deleteExpiredBatch(batchSize, graceMs);
    this.oldestPurgeable = SqlStatements.oldestPurgeable(graceMs);
  }

  /** One batch, in a transaction of its own, if this process gets the purge lock for it. */
  public Future<Batch> purgeBatch() {
    return pool.withTransaction(conn -> conn.preparedQuery(SqlStatements.TRY_PURGE_LOCK)
        .execute(Tuple.of(PURGE_LOCK_KEY))
        .compose(locked -> {
          if (!locked.iterator().next().getBoolean(0)) {
            return Future.succeededFuture(Batch.SKIPPED);
          }
          return conn.preparedQuery(deleteBatch).execute().map(rows -> {
            Row row = rows.iterator().next();
            return new Batch(row.getLong(0).intValue(), row.getLong(1).intValue());
          });
        }));
  }

  /**
   * One batch of the change log's trim, under the purge lock; the changes dropped (-1 when another
   * replica holds the lock). Fewer than the batch size means the log holds nothing more to drop.
   */
  public Future<Integer> trimChangesBatch(long retentionMinutes) {
    return pool.withTransaction(conn -> conn.preparedQuery(SqlStatements.TRY_PURGE_LOCK)
        .execute(Tuple.of(PURGE_LOCK_KEY))
        .compose(locked -> {
          if (!locked.iterator().next().getBoolean(0)) {
            return Future.succeededFuture(-1);
          }
          return conn.preparedQuery(TRIM_CHANGES).execute(Tuple.of((int) retentionMinutes, batchSize))
              .map(rows -> rows.iterator().next().getLong(0).intValue());
        }));
  }

  public int batchSize() {
    return batchSize;
  }

  /** The expiry (unix ms) of the oldest row waiting for the purge, or null when there is none. */
  public Future<Long> oldestPurgeableMs() {
    return pool.preparedQuery(oldestPurgeable).execute().map(rows -> {
      RowIterator<Row> it = rows.iterator();
      return it.hasNext() ? it.next().getOffsetDateTime(0).toInstant().toEpochMilli() : null;
    });
  }
}
