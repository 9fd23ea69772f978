package dev.kvs.service;

import dev.kvs.store.ChangeCursor;
import dev.kvs.store.ChangeLogStore;
import dev.kvs.store.ListedKey;
import dev.kvs.store.LoggedChange;
import dev.kvs.store.NewRecord;
import dev.kvs.store.PgStore;
import dev.kvs.store.RecordReader;
import dev.kvs.store.RecordWriter;
import dev.kvs.store.StoredRecord;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operations of API.md, as Futures, with no HTTP in them: HTTP and the event bus are thin
 * adapters over this class and so speak the same semantics and errors ({@link KvsException}).
 */
public final class KvService {
  private final PgStore store;
  private final RecordReader reads;
  private final KeyChanges changes;
  private final ChangeLogStore changeLog;
  private final RecordWriter writes;

  /**
   * @param reads where gets are answered from: the store itself or the read cache in front of it
   * @param writes where single-record writes and deletes go: the store itself or the write batcher
   * @param changes told after every write or delete, before its caller hears of it
   * @param changeLog where a consumer catches up on the changes it missed
   */
  public KvService(PgStore store, RecordReader reads, RecordWriter writes, KeyChanges changes, ChangeLogStore changeLog) {
    this.store = store;
    this.writes = writes;
    this.reads = reads;
    this.changes = changes;
    this.changeLog = changeLog;
  }

  /** A page of a namespace's changes; {@code cursor} is where the next page starts. */
  public record ChangePage(List<LoggedChange> changes, boolean complete, ChangeCursor cursor) {}

  /**
   * The namespace's changes after {@code cursor} (from the oldest kept when null), in log order,
   * {@code limit} at most; 410 cursor_expired when changes after the cursor were already trimmed.
   */
  public Future<ChangePage> changesSince(String ns, ChangeCursor cursor, int limit) {
    return validNamespace(ns)
        .compose(ok -> cursor != null ? Future.succeededFuture(cursor) : changeLog.trimmed())
        .compose(start -> changeLog.since(ns, start, limit + 1).map(found -> new SinceRead(found, start)))
        .recover(DatabaseFailures::mapped)
        .compose(read -> {
          if (read.since().expired()) {
            return Future.failedFuture(new KvsException(410, "cursor_expired",
                "changes after this cursor are past their retention: list the namespace again"));
          }
          List<LoggedChange> found = read.since().changes();
          List<LoggedChange> page = found.size() > limit ? found.subList(0, limit) : found;
          ChangeCursor next = page.isEmpty() ? read.from() : page.get(page.size() - 1).cursor();
          return Future.succeededFuture(new ChangePage(page, found.size() <= limit, next));
        });
  }

  /** A catch-up read and the cursor it started from. */
  private record SinceRead(ChangeLogStore.Since since, ChangeCursor from) {}

  /** The live record; fails with 404 not_found when it is absent or expired. */
  public Future<StoredRecord> get(String ns, String key) {
    return validIds(ns, key)
        .compose(ok -> reads.selectLive(ns, key))
        .recover(DatabaseFailures::mapped)
        .compose(found -> found == null ? Future.failedFuture(KvsException.notFound()) : Future.succeededFuture(found));
  }

  /**
   * Writes the record, unconditionally or, when the request carries an operator, only if the
   * live record's created_at satisfies it (or there is no live record). A refused condition fails
   * with {@link ConditionFailedException}, which carries the live record.
   */
  public Future<StoredRecord> write(String ns, String key, WriteRequest request) {
    if (!request.conditional()) {
      return validIds(ns, key)
          .compose(ok -> writes.upsert(ns, key, request.value(), request.metadata(), request.expiry())
              .andThen(done -> changedUnlessRefused(ns, key, done.cause())))
          .recover(DatabaseFailures::mapped);
    }
    return validIds(ns, key)
        .compose(ok -> writes.upsertIf(ns, key, request.value(), request.metadata(), request.expiry(),
                request.operator(), request.unixtimeMs())
            .andThen(done -> {
              if (done.failed() || done.result().written()) {
                changedUnlessRefused(ns, key, done.cause());
              }
            }))
        .recover(DatabaseFailures::mapped)
        .compose(outcome -> {
          if (outcome.written()) {
            return Future.succeededFuture(outcome.record());
          }
          // No record to show means the one that refused us vanished in between: a race, retryable.
          return Future.failedFuture(outcome.record() == null
              ? KvsException.conflict()
              : new ConditionFailedException(key, outcome.record()));
        });
  }

  /** Deletes the record; succeeds also when there was none (idempotent). */
  public Future<Void> delete(String ns, String key) {
    return validIds(ns, key)
        .compose(ok -> writes.delete(ns, key).andThen(done -> {
          if (done.succeeded() && done.result() == 0) {
            changes.foundAbsent(ns, key);
          } else {
            changedUnlessRefused(ns, key, done.cause());
          }
        }))
        .recover(DatabaseFailures::mapped)
        .mapEmpty();
  }

  /** One page of the live keys of a namespace that start with the prefix, in byte order. */
  public Future<ListPage> list(String ns, ListRequest request) {
    return validNamespace(ns)
        .compose(ok -> store.listPage(ns, request.prefix(), request.prefixEnd(), request.afterKey(), request.limit() + 1))
        .recover(DatabaseFailures::mapped)
        .map(rows -> {
          if (rows.size() <= request.limit()) {
            return new ListPage(rows, true, null);
          }
          List<ListedKey> page = rows.subList(0, request.limit());
          return new ListPage(page, false, ListRequest.encodeCursor(page.get(page.size() - 1).name()));
        });
  }

  /** The live records of the keys (already validated), by key; absent and expired keys are missing. */
  public Future<Map<String, StoredRecord>> bulkGet(String ns, List<String> keys) {
    if (keys.isEmpty()) {
      return validNamespace(ns).map(ok -> Map.of());
    }
    return validNamespace(ns)
        .compose(ok -> store.selectLiveMany(ns, keys))
        .recover(DatabaseFailures::mapped);
  }

  /** Writes all the records in one statement, or none; the number written. */
  public Future<Integer> bulkWrite(String ns, List<WriteRequestParser.KeyedWrite> items) {
    if (items.isEmpty()) {
      return validNamespace(ns).map(ok -> 0);
    }
    List<NewRecord> records = new ArrayList<>(items.size());
    for (WriteRequestParser.KeyedWrite item : items) {
      WriteRequest w = item.write();
      records.add(new NewRecord(item.key(), w.value(), w.metadata(), w.expiry()));
    }
    return validNamespace(ns)
        .compose(ok -> store.upsertMany(ns, records)
            .andThen(done -> items.forEach(item -> changedUnlessRefused(ns, item.key(), done.cause()))))
        .recover(DatabaseFailures::mapped);
  }

  /** Deletes the keys; how many of them were live records. */
  public Future<Integer> bulkDelete(String ns, List<String> keys) {
    if (keys.isEmpty()) {
      return validNamespace(ns).map(ok -> 0);
    }
    return validNamespace(ns)
        .compose(ok -> store.deleteMany(ns, keys).andThen(done -> {
          if (done.failed()) {
            keys.forEach(key -> changedUnlessRefused(ns, key, done.cause()));
            return;
          }
          Set<String> removed = new HashSet<>(done.result());
          for (String key : keys) {
            if (removed.contains(key)) {
              changes.changed(ns, key);
            } else {
              changes.foundAbsent(ns, key);
            }
          }
        }))
        .recover(DatabaseFailures::mapped)
        .map(List::size);
  }

  /**
   * Runs after the statement, before the caller is answered, so a GET that starts after the answer
   * cannot be served from a cache entry older than the write. A write that failed for a reason that
   * proves nothing changed (409, 4xx) is skipped; one whose outcome is unknown (connection lost
   * after the commit could have happened) counts as a change.
   */
  private void changedUnlessRefused(String ns, String key, Throwable failure) {
    if (failure == null || !(DatabaseFailures.classify(failure) instanceof KvsException e) || e.status() >= 500) {
      changes.changed(ns, key);
    }
  }

  private static Future<Void> validNamespace(String ns) {
    try {
      Identifiers.checkNamespace(ns);
      return Future.succeededFuture();
    } catch (KvsException e) {
      return Future.failedFuture(e);
    }
  }

  private static Future<Void> validIds(String ns, String key) {
    try {
      Identifiers.checkNamespace(ns);
      Identifiers.checkKey(key);
      return Future.succeededFuture();
    } catch (KvsException e) {
      return Future.failedFuture(e);
    }
  }
}
