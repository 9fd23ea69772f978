package dev.kvs.store;

import static dev.kvs.store.Timestamps.millis;
import static dev.kvs.store.Timestamps.utc;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The records in PostgreSQL. Every operation is one prepared statement on the shared pool
 * (prepared once per connection, pipelined), so nothing here ever blocks a thread.
 */
public final class PgStore implements RecordReader, RecordWriter {
  private final Pool pool;

  public PgStore(Pool pool) {
    this.pool = pool;
  }

  /** The live record, or null when it is absent or expired. */
  @Override
  public Future<StoredRecord> selectLive(String ns, String key) {
    return pool.preparedQuery(SqlStatements.SELECT_LIVE)
        .execute(Tuple.of(ns, key))
        .map(rows -> {
          RowIterator<Row> it = rows.iterator();
          return it.hasNext() ? toRecord(it.next(), 0) : null;
        });
  }

  @Override
  public Future<StoredRecord> upsert(String ns, String key, String value, String metadata, Expiry expiry) {
    return pool.preparedQuery(SqlStatements.UPSERT)
        .execute(writeParams(ns, key, value, metadata, expiry))
        .map(rows -> {
          Row row = rows.iterator().next();
          return new StoredRecord(value, metadata, millis(row, 0), millis(row, 1));
        });
  }

  /**
   * Writes when the live record's {@code created_at <op> unixtimeMs} holds or there is no live
   * record; otherwise returns the live record. One statement: no window between check and write.
   */
  @Override
  public Future<ConditionalOutcome> upsertIf(String ns, String key, String value, String metadata, Expiry expiry,
      Operator op, long unixtimeMs) {
    Tuple params = writeParams(ns, key, value, metadata, expiry).addOffsetDateTime(utc(unixtimeMs));
    return pool.preparedQuery(SqlStatements.UPSERT_IF_CREATED.get(op))
        .execute(params)
        .compose(rows -> {
          RowIterator<Row> it = rows.iterator();
          if (!it.hasNext()) {
            // The conflicting row was committed after this statement's snapshot was taken, so the
            // statement could not read it back: read it now (rare; only under a racing insert).
            return selectLive(ns, key).map(current -> new ConditionalOutcome(false, current));
          }
          Row row = it.next();
          if (row.getBoolean(0)) {
            return Future.succeededFuture(new ConditionalOutcome(true,
                new StoredRecord(value, metadata, millis(row, 3), millis(row, 4))));
          }
          return Future.succeededFuture(new ConditionalOutcome(false,
              toRecord(row, 1)));
        });
  }

  /**
   * Conditional writes of distinct records in one statement; each one's outcome, in the order
   * given, as {@link #upsertIf} would answer it alone. A write whose row was committed after the
   * statement's snapshot (neither written nor readable) runs again alone (rare).
   */
  Future<List<ConditionalOutcome>> upsertRowsIf(List<ConditionalWrite> writes) {
    Tuple params = rowArrays(writes.stream().map(ConditionalWrite::ns).toList(),
        writes.stream().map(ConditionalWrite::record).toList())
        .addArrayOfString(writes.stream().map(w -> w.op().symbol()).toArray(String[]::new))
        .addArrayOfOffsetDateTime(writes.stream().map(w -> utc(w.unixtimeMs())).toArray(OffsetDateTime[]::new));
    return pool.preparedQuery(SqlStatements.UPSERT_ROWS_IF_CREATED)
        .execute(params)
        .compose(rows -> {
          Map<RecordId, NewRecord> asked = new HashMap<>();
          writes.forEach(w -> asked.put(w.id(), w.record()));
          Map<RecordId, ConditionalOutcome> outcomes = new HashMap<>();
          for (Row row : rows) {
            RecordId id = new RecordId(row.getString(1), row.getString(2));
            if (row.getBoolean(0)) {
              NewRecord r = asked.get(id);
              outcomes.put(id, new ConditionalOutcome(true,
                  new StoredRecord(r.value(), r.metadata(), millis(row, 5), millis(row, 6))));
            } else {
              outcomes.put(id, new ConditionalOutcome(false, toRecord(row, 3)));
            }
          }
          List<Future<ConditionalOutcome>> each = new ArrayList<>(writes.size());
          for (ConditionalWrite w : writes) {
            ConditionalOutcome outcome = outcomes.get(w.id());
            NewRecord r = w.record();
            each.add(outcome != null ? Future.succeededFuture(outcome)
                : upsertIf(w.ns(), r.key(), r.value(), r.metadata(), r.expiry(), w.op(), w.unixtimeMs()));
          }
          return Future.all(each).map(all -> each.stream().map(Future::result).toList());
        });
  }

  /** The live record of each id (null when absent or expired), in the order given, in one statement. */
  Future<List<StoredRecord>> selectLiveRows(List<RecordId> ids) {
    return pool.preparedQuery(SqlStatements.SELECT_LIVE_ROWS)
        .execute(idArrays(ids))
        .map(rows -> {
          StoredRecord[] found = new StoredRecord[ids.size()];
          for (Row row : rows) {
            found[row.getLong(0).intValue() - 1] = toRecord(row, 1);
          }
          return Arrays.asList(found);
        });
  }

  /** The live records among {@code keys}, by key (absent and expired keys are missing). */
  public Future<Map<String, StoredRecord>> selectLiveMany(String ns, List<String> keys) {
    return selectLiveRows(keys.stream().map(key -> new RecordId(ns, key)).toList())
        .map(records -> {
          Map<String, StoredRecord> found = new HashMap<>();
          for (int i = 0; i < keys.size(); i++) {
            if (records.get(i) != null) {
              found.put(keys.get(i), records.get(i));
            }
          }
          return found;
        });
  }

  /** Writes every record or none (one statement); the number written. Keys must be distinct. */
  public Future<Integer> upsertMany(String ns, List<NewRecord> records) {
    return upsertRows(Collections.nCopies(records.size(), ns), records).map(List::size);
  }

  /**
   * Writes each record into the namespace at the same index, all in one statement (all or none);
   * their stored form, in the order given. The (namespace, key) pairs must be distinct.
   */
  Future<List<StoredRecord>> upsertRows(List<String> namespaces, List<NewRecord> records) {
    return pool.preparedQuery(SqlStatements.UPSERT_ROWS)
        .execute(rowArrays(namespaces, records))
        .map(rows -> {
          Map<RecordId, Row> written = new HashMap<>();
          for (Row row : rows) {
            written.put(new RecordId(row.getString(0), row.getString(1)), row);
          }
          List<StoredRecord> stored = new ArrayList<>(records.size());
          for (int i = 0; i < records.size(); i++) {
            NewRecord r = records.get(i);
            Row row = written.get(new RecordId(namespaces.get(i), r.key()));
            stored.add(new StoredRecord(r.value(), r.metadata(), millis(row, 2), millis(row, 3)));
          }
          return stored;
        });
  }

  /** Deletes the keys; the keys of the live records it removed. */
  public Future<List<String>> deleteMany(String ns, List<String> keys) {
    return pool.preparedQuery(SqlStatements.DELETE_ROWS)
        .execute(idArrays(keys.stream().map(key -> new RecordId(ns, key)).toList()))
        .map(rows -> {
          List<String> removed = new ArrayList<>(rows.rowCount());
          for (Row row : rows) {
            removed.add(row.getString(0));
          }
          return removed;
        });
  }

  /** Up to {@code limit} live keys in [{@code from}, {@code to}) after {@code after}, in byte order. */
  public Future<List<ListedKey>> listPage(String ns, String from, String to, String after, int limit) {
    return pool.preparedQuery(SqlStatements.LIST_PAGE)
        .execute(Tuple.of(ns, from, to, after, limit))
        .map(rows -> {
          List<ListedKey> page = new ArrayList<>(rows.size());
          for (Row row : rows) {
            page.add(new ListedKey(row.getString(0), millis(row, 1), row.getString(2)));
          }
          return page;
        });
  }

  /** Deletes the record; 1 when it removed a live record, 0 when there was none. */
  @Override
  public Future<Integer> delete(String ns, String key) {
    return pool.preparedQuery(SqlStatements.DELETE)
        .execute(Tuple.of(ns, key))
        .map(RowSet::rowCount);
  }

  /**
   * Deletes the live record of each id, in one statement; for each, in the order given, 1 when
   * there was one and 0 when not. The ids must be distinct.
   */
  Future<List<Integer>> deleteRows(List<RecordId> ids) {
    return pool.preparedQuery(SqlStatements.DELETE_ROWS)
        .execute(idArrays(ids))
        .map(rows -> {
          Set<RecordId> removed = new HashSet<>();
          for (Row row : rows) {
            removed.add(new RecordId(row.getString(1), row.getString(0)));
          }
          return ids.stream().map(id -> removed.contains(id) ? 1 : 0).toList();
        });
  }

  private static Tuple writeParams(String ns, String key, String value, String metadata, Expiry expiry) {
    return Tuple.tuple()
        .addString(ns)
        .addString(key)
        .addString(value)
        .addString(metadata)
        .addInteger(expiry.minutes())
        .addOffsetDateTime(expiresAt(expiry));
  }

  /** $1..$6 of the statements on many records: arrays of ns, key, value, metadata, minutes, expiresAt. */
  private static Tuple rowArrays(List<String> namespaces, List<NewRecord> records) {
    return Tuple.tuple()
        .addArrayOfString(namespaces.toArray(String[]::new))
        .addArrayOfString(records.stream().map(NewRecord::key).toArray(String[]::new))
        .addArrayOfString(records.stream().map(NewRecord::value).toArray(String[]::new))
        .addArrayOfString(records.stream().map(NewRecord::metadata).toArray(String[]::new))
        .addArrayOfInteger(records.stream().map(r -> r.expiry().minutes()).toArray(Integer[]::new))
        .addArrayOfOffsetDateTime(records.stream().map(r -> expiresAt(r.expiry())).toArray(OffsetDateTime[]::new));
  }

  /** $1, $2 of the statements on many ids: arrays of ns and key. */
  private static Tuple idArrays(List<RecordId> ids) {
    return Tuple.tuple()
        .addArrayOfString(ids.stream().map(RecordId::ns).toArray(String[]::new))
        .addArrayOfString(ids.stream().map(RecordId::key).toArray(String[]::new));
  }

  private static OffsetDateTime expiresAt(Expiry expiry) {
    return expiry.atMs() == null ? null : utc(expiry.atMs());
  }

  /** The record in the four columns value, metadata, created_at, expired_at from {@code first} on. */
  private static StoredRecord toRecord(Row row, int first) {
    return new StoredRecord(row.getString(first), row.getString(first + 1), millis(row, first + 2),
        millis(row, first + 3));
  }
}
