package dev.kvs.store;

import java.util.EnumMap;
import java.util.Map;

/**
 * Every SQL statement of the store, named by intent. All times come from the database clock and
 * are truncated to milliseconds, so that {@code created_at = unixtimeMs} compares exactly.
 */
final class SqlStatements {
  private SqlStatements() {}

  private static final String COLUMNS = "value, metadata, created_at, expired_at";

  static final String SELECT_LIVE =
      "SELECT " + COLUMNS + " FROM kv WHERE ns = $1 AND key = $2 AND expired_at > now()";

  // $5: minutesToExpire, $6: expiresAt (one of the two is null).
  private static final String INSERT_VALUES = """
      INSERT INTO kv AS t (ns, key, value, metadata, created_at, expired_at)
      VALUES ($1, $2, $3, $4, date_trunc('milliseconds', now()),
              date_trunc('milliseconds', COALESCE($6::timestamptz, now() + make_interval(mins => $5::int))))
      """;

  // created_at strictly increases on every overwrite, even within one millisecond, so two
  // writes can never both match the same "=" condition.
  private static final String ON_CONFLICT_OVERWRITE = """
      ON CONFLICT (ns, key) DO UPDATE
      SET value = EXCLUDED.value,
          metadata = EXCLUDED.metadata,
          created_at = GREATEST(EXCLUDED.created_at, t.created_at + interval '1 millisecond'),
          expired_at = EXCLUDED.expired_at,
          deleted = false
      """;

  /**
   * Appends the changes a CTE named {@code source} returns (columns ns, key, created_at,
   * expired_at) to the change log, in the same statement: logged if and only if it commits.
   */
  private static String logged(String source, String op) {
    return "logged AS (INSERT INTO kv_changes (ns, key, op, created_at, expired_at) SELECT ns, key, '"
        + op + "', created_at, expired_at FROM " + source + ")";
  }

  static final String UPSERT = "WITH written AS (\n" + INSERT_VALUES + ON_CONFLICT_OVERWRITE
      + "RETURNING ns, key, created_at, expired_at\n), " + logged("written", "write")
      + "\nSELECT created_at, expired_at FROM written";

  /**
   * One statement per operator. The DO UPDATE's WHERE is evaluated on the row it has locked, so
   * the check and the write are atomic. An expired row counts as absent and is overwritten.
   * When the condition fails the upsert returns nothing and the second branch returns the live
   * record instead; FOR SHARE makes it read the newest committed version of the row (the one
   * the condition was checked against), not the statement's older snapshot.
   * Columns: written, value, metadata, created_at, expired_at.
   */
  static final Map<Operator, String> UPSERT_IF_CREATED = new EnumMap<>(Operator.class);

  static {
    for (Operator op : Operator.values()) {
      UPSERT_IF_CREATED.put(op, """
          WITH written AS (
          %s%s    WHERE t.expired_at <= now() OR t.created_at %s $7
            RETURNING ns, key, created_at, expired_at
          ), %s, live AS (
            SELECT %s FROM kv
            WHERE ns = $1 AND key = $2 AND expired_at > now() AND NOT EXISTS (SELECT 1 FROM written)
            FOR SHARE
          )
          SELECT true AS written, NULL::text AS value, NULL::text AS metadata, created_at, expired_at FROM written
          UNION ALL
          SELECT false, value, metadata, created_at, expired_at FROM live
          """.formatted(INSERT_VALUES, ON_CONFLICT_OVERWRITE, op.symbol(), logged("written", "write"), COLUMNS));
    }
  }

  /** The six arrays of the statements on many records: ns, key, value, metadata, minutes, expiresAt. */
  private static final String ROW_ARRAYS = "$1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::timestamptz[]";

  /**
   * Inserts the rows of {@code source} (columns ns, key, value, metadata, minutes, expires_at) as
   * {@link #INSERT_VALUES} inserts one, sorted by (ns, key) so that concurrent statements lock rows
   * in one order (no deadlock).
   */
  private static String insertRows(String source) {
    return """
        INSERT INTO kv AS t (ns, key, value, metadata, created_at, expired_at)
        SELECT i.ns, i.key, i.value, i.metadata, date_trunc('milliseconds', now()),
               date_trunc('milliseconds', COALESCE(i.expires_at, now() + make_interval(mins => i.minutes)))
        FROM %s
        ORDER BY i.ns, i.key
        """.formatted(source);
  }

  /**
   * Conditional writes of many distinct (ns, key) pairs in one statement, each with its own
   * operator ($7: "<", "<=", "=", ">=", ">") and time ($8), checked on the locked row as in
   * {@link #UPSERT_IF_CREATED}; rows sorted by (ns, key) as in {@link #UPSERT_ROWS}. Returns a
   * written pair with its times, a refused one with its live record (FOR SHARE: the version its
   * condition saw). A pair in neither met a row committed after the statement's snapshot. Only
   * the refused pairs are looked up again (materialised first, so that a statement whose writes
   * all took place reads no row twice).
   * Columns: written, ns, key, value, metadata, created_at, expired_at.
   */
  static final String UPSERT_ROWS_IF_CREATED = """
      WITH i AS (
        SELECT * FROM unnest(%s, $7::text[], $8::timestamptz[])
          AS i(ns, key, value, metadata, minutes, expires_at, op, at)
      ), written AS (
      %s%s  WHERE t.expired_at <= now() OR (
          SELECT CASE c.op WHEN '<' THEN t.created_at < c.at WHEN '<=' THEN t.created_at <= c.at
                           WHEN '=' THEN t.created_at = c.at WHEN '>=' THEN t.created_at >= c.at
                           ELSE t.created_at > c.at END
          FROM i c WHERE c.ns = t.ns AND c.key = t.key)
        RETURNING ns, key, created_at, expired_at
      ), %s, refused AS MATERIALIZED (
        SELECT i.ns, i.key FROM i WHERE NOT EXISTS (SELECT 1 FROM written w WHERE w.ns = i.ns AND w.key = i.key)
      ), live AS (
        SELECT kv.ns, kv.key, kv.value, kv.metadata, kv.created_at, kv.expired_at
        FROM refused r JOIN kv ON kv.ns = r.ns AND kv.key = r.key
        WHERE kv.expired_at > now()
        FOR SHARE OF kv
      )
      SELECT true AS written, ns, key, NULL::text AS value, NULL::text AS metadata, created_at, expired_at FROM written
      UNION ALL
      SELECT false, ns, key, value, metadata, created_at, expired_at FROM live
      """.formatted(ROW_ARRAYS, insertRows("i"), ON_CONFLICT_OVERWRITE, logged("written", "write"));

  /**
   * A delete leaves a tombstone: the row stays, expired as of now (so invisible at once), and keeps
   * its created_at until the purge removes it. A re-create in the same millisecond therefore still
   * finds the previous created_at and moves past it, so created_at never repeats for a key and a
   * "=" compare-and-swap can never match a different record. Only a live record counts as removed.
   */
  private static final String TOMBSTONE = "UPDATE kv SET expired_at = date_trunc('milliseconds', now()), deleted = true ";

  /** Removes the live records the condition selects, logs each as a delete, and returns their keys. */
  private static String tombstoned(String where) {
    return "WITH removed AS (" + TOMBSTONE + where + " RETURNING ns, key, created_at, expired_at), "
        + logged("removed", "delete") + " SELECT key, ns FROM removed";
  }

  static final String DELETE = tombstoned("WHERE ns = $1 AND key = $2 AND expired_at > now()");

  /**
   * Live records of many (ns, key) pairs ($1, $2: text[]), each with its 1-based place in the
   * arrays: one index lookup per pair (a nested loop that cannot turn into a scan of kv).
   */
  static final String SELECT_LIVE_ROWS = """
      SELECT k.i, r.value, r.metadata, r.created_at, r.expired_at
      FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(ns, key, i)
      CROSS JOIN LATERAL (
        SELECT value, metadata, created_at, expired_at FROM kv
        WHERE kv.ns = k.ns AND kv.key = k.key AND kv.expired_at > now()
      ) r
      """;

  /**
   * Deletes the live records of many (ns, key) pairs ($1, $2: text[]) as {@link #DELETE} does;
   * returns the key and ns of each live record removed.
   */
  static final String DELETE_ROWS = tombstoned(
      "FROM unnest($1::text[], $2::text[]) AS d(d_ns, d_key) WHERE ns = d_ns AND key = d_key AND expired_at > now()");

  /**
   * Writes many records, each of its own namespace, in one statement: all or none of them. Rows
   * are sorted by (ns, key), so concurrent statements lock rows in one order (no deadlock); the
   * pairs must be distinct, as no row may be affected twice. Serves bulk writes and the write
   * batcher. $1..$6: arrays of ns, key, value, metadata, minutesToExpire, expiresAt.
   */
  static final String UPSERT_ROWS = "WITH written AS (\n"
      + insertRows("unnest(" + ROW_ARRAYS + ") AS i(ns, key, value, metadata, minutes, expires_at)")
      + ON_CONFLICT_OVERWRITE + "RETURNING ns, key, created_at, expired_at\n), " + logged("written", "write")
      + "\nSELECT ns, key, created_at, expired_at FROM written";

  /**
   * One page of a listing: keys in [$2, $3) (the prefix range: literal, no LIKE wildcards), after
   * $4 (the cursor), in byte order (C collation) along the primary key. Keyset pagination: a key
   * that lives through the listing is returned exactly once, whatever else is written meanwhile.
   */
  static final String LIST_PAGE = """
      SELECT key, expired_at, metadata FROM kv
      WHERE ns = $1 AND key >= $2 AND key < $3 AND key > $4 AND expired_at > now()
      ORDER BY key
      LIMIT $5
      """;

  /** Transaction-scoped, so the lock can never outlive a purge batch on a pooled connection. */
  static final String TRY_PURGE_LOCK = "SELECT pg_try_advisory_xact_lock($1)";

  /**
   * Deletes the oldest expired rows, {@code batchSize} at most, and returns how many it chose and
   * how many it deleted. Its cost follows the batch, never the backlog, whatever the planner's
   * statistics say (they seldom know of the rows that expired since the last ANALYZE):
   * <ul>
   *   <li>the batch is read in expiry order along the expired_at index and stops at the limit;</li>
   *   <li>the rows are deleted by their ctid alone, a TID scan: the re-check of the expiry that a
   *       concurrent revival needs is done by FOR UPDATE instead (it re-reads a row updated since
   *       the snapshot and drops it when no longer expired), so the DELETE has no condition the
   *       planner could prefer to drive from the expired_at index and filter by ctid;</li>
   *   <li>SKIP LOCKED passes over rows a writer holds rather than waiting for them;</li>
   *   <li>the limit and the grace are literals, not parameters: the prepared statement's generic
   *       plan is the plan checked in the tests.</li>
   * </ul>
   * A row is only purged once its created_at is {@code graceMs} in the past, longer than any
   * statement may run: a write still in flight then always finds, or starts after, a newer clock
   * than the purged row's created_at (see {@link #DELETE}).
   */
  static String deleteExpiredBatch(int batchSize, long graceMs) {
    return """
        WITH batch AS (
          SELECT ctid %s
          LIMIT %d
          FOR UPDATE SKIP LOCKED
        ), purged AS (
          DELETE FROM kv WHERE ctid = ANY (ARRAY (SELECT ctid FROM batch)) RETURNING ns, key, created_at, expired_at, deleted
        ), expired AS (
          SELECT ns, key, created_at, expired_at FROM purged WHERE NOT deleted
        ), %s
        SELECT (SELECT count(*) FROM batch) AS chosen, (SELECT count(*) FROM purged) AS deleted
        """.formatted(purgeable(graceMs), batchSize, logged("expired", "expire"));
  }

  /** The expiry of the oldest row the purge may take now, or null: the first row its next batch takes. */
  static String oldestPurgeable(long graceMs) {
    return "SELECT expired_at " + purgeable(graceMs) + " LIMIT 1";
  }

  /** The rows the purge may take, oldest expiry first, along the expired_at index. */
  private static String purgeable(long graceMs) {
    return "FROM kv WHERE expired_at <= now() AND created_at < now() - interval '%d milliseconds' ORDER BY expired_at"
        .formatted(graceMs);
  }
}
