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

  private final Pool pool;
  private final String deleteBatch;
  private final String oldestPurgeable;

  /**
   * @param graceMs how long a row is kept after its created_at even when expired: longer than any
   *     statement may run (see {@link SqlStatements#deleteExpiredBatch})
   */
  public PurgeStore(Pool pool, int batchSize, long graceMs) {
    this.pool = pool;
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

  /** The expiry (unix ms) of the oldest row waiting for the purge, or null when there is none. */
  public Future<Long> oldestPurgeableMs() {
    return pool.preparedQuery(oldestPurgeable).execute().map(rows -> {
      RowIterator<Row> it = rows.iterator();
      return it.hasNext() ? it.next().getOffsetDateTime(0).toInstant().toEpochMilli() : null;
    });
  }
}
