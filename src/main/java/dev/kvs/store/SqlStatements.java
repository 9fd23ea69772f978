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
          expired_at = EXCLUDED.expired_at
      """;

  static final String UPSERT = INSERT_VALUES + ON_CONFLICT_OVERWRITE + "RETURNING created_at, expired_at";

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
            RETURNING created_at, expired_at
          ), live AS (
            SELECT %s FROM kv
            WHERE ns = $1 AND key = $2 AND expired_at > now() AND NOT EXISTS (SELECT 1 FROM written)
            FOR SHARE
          )
          SELECT true AS written, NULL::text AS value, NULL::text AS metadata, created_at, expired_at FROM written
          UNION ALL
          SELECT false, value, metadata, created_at, expired_at FROM live
          """.formatted(INSERT_VALUES, ON_CONFLICT_OVERWRITE, op.symbol(), COLUMNS));
    }
  }

  static final String DELETE = "DELETE FROM kv WHERE ns = $1 AND key = $2";

  /** Live records of many keys ($2: text[]). */
  static final String SELECT_LIVE_MANY =
      "SELECT key, " + COLUMNS + " FROM kv WHERE ns = $1 AND key = ANY($2) AND expired_at > now()";

  /**
   * Writes many records in one statement, so all or none of them are written. Rows come sorted by
   * key and distinct, so concurrent batches lock rows in the same order (no deadlock) and no row
   * is affected twice. $2..$6: arrays of key, value, metadata, minutesToExpire, expiresAt.
   */
  static final String UPSERT_MANY = """
      INSERT INTO kv AS t (ns, key, value, metadata, created_at, expired_at)
      SELECT $1, i.key, i.value, i.metadata, date_trunc('milliseconds', now()),
             date_trunc('milliseconds', COALESCE(i.expires_at, now() + make_interval(mins => i.minutes)))
      FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::timestamptz[])
           AS i(key, value, metadata, minutes, expires_at)
      ORDER BY i.key
      """ + ON_CONFLICT_OVERWRITE;

  /** Deletes many keys ($2: text[]); counts the live records among those removed. */
  static final String DELETE_MANY = """
      WITH deleted AS (DELETE FROM kv WHERE ns = $1 AND key = ANY($2) RETURNING expired_at)
      SELECT count(*) FILTER (WHERE expired_at > now()) FROM deleted
      """;

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
   * Deletes up to $1 expired rows. The expiry is checked again on the row being deleted, so a
   * row rewritten (and so revived) between the two scans is kept.
   */
  static final String DELETE_EXPIRED_BATCH = """
      DELETE FROM kv
      WHERE ctid = ANY (ARRAY (SELECT ctid FROM kv WHERE expired_at <= now() LIMIT $1))
        AND expired_at <= now()
      """;

  /** How long the oldest expired row has waited for the purge, in milliseconds (0 when none). */
  static final String PURGE_LAG_MS = """
      SELECT COALESCE((extract(epoch FROM now() - min(expired_at)) * 1000)::int8, 0)
      FROM kv WHERE expired_at <= now()
      """;
}
