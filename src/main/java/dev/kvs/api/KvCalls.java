package dev.kvs.api;

import dev.kvs.access.AccessControl;
import dev.kvs.access.Namespace;
import dev.kvs.config.ApiLimits;
import dev.kvs.service.KvService;
import dev.kvs.service.KvsException;
import dev.kvs.service.ListRequest;
import dev.kvs.service.WriteRequestParser;
import dev.kvs.store.ChangeCursor;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.function.Supplier;

/**
 * The key-value calls of API.md once a caller is admitted, from their raw inputs (path parts,
 * query parameters, body bytes) to their answer body. HTTP and the event bus both call these, so
 * the same input is validated the same way and answered with the same bytes through either door.
 * A failure is a {@link KvsException} (a status and its error body) or, for a bug, anything else.
 */
public final class KvCalls {
  private final KvService service;
  private final AccessControl access;

  public KvCalls(KvService service, AccessControl access) {
    this.service = service;
    this.access = access;
  }

  public Future<Buffer> get(String ns, String key) {
    return service.get(ns, key).map(found -> JsonBodies.record(key, found));
  }

  /** A write, conditional when the body carries an operator, within the namespace's limits. */
  public Future<Buffer> write(Namespace ns, String key, byte[] body) {
    return parsed(() -> new WriteRequestParser(ns.limits()).parse(body, System.currentTimeMillis()))
        .compose(write -> access.beforeWrite(ns).compose(ok -> service.write(ns.name(), key, write)))
        .map(stored -> JsonBodies.record(key, stored));
  }

  public Future<Buffer> delete(String ns, String key) {
    return service.delete(ns, key).map(JsonBodies.EMPTY_OBJECT);
  }

  /** A page of keys; each parameter may be null (absent). */
  public Future<Buffer> list(String ns, String prefix, String limit, String cursor) {
    return parsed(() -> ListRequest.of(prefix, limit, cursor))
        .compose(query -> service.list(ns, query))
        .map(JsonBodies::listPage);
  }

  public Future<Buffer> bulkGet(String ns, byte[] body) {
    return parsed(() -> WriteRequestParser.parseKeys(body, ApiLimits.MAX_BULK_GET_KEYS))
        .compose(keys -> service.bulkGet(ns, keys).map(found -> JsonBodies.records(keys, found)));
  }

  public Future<Buffer> bulkWrite(Namespace ns, byte[] body) {
    return parsed(() -> new WriteRequestParser(ns.limits())
            .parseBulkWrite(body, System.currentTimeMillis(), ApiLimits.MAX_BULK_WRITE_ITEMS))
        .compose(items -> access.beforeWrite(ns).compose(ok -> service.bulkWrite(ns.name(), items)))
        .map(written -> JsonBodies.count("written", written));
  }

  public Future<Buffer> bulkDelete(String ns, byte[] body) {
    return parsed(() -> WriteRequestParser.parseKeys(body, ApiLimits.MAX_BULK_DELETE_KEYS))
        .compose(keys -> service.bulkDelete(ns, keys))
        .map(deleted -> JsonBodies.count("deleted", deleted));
  }

  /** The namespace's changes after the cursor (from the oldest kept when it is null). */
  public Future<Buffer> changes(String ns, String cursor, String limit) {
    return parsed(() -> new ChangesQuery(
            cursor == null || cursor.isEmpty() ? null : ChangeCursor.parse(cursor), changesLimit(limit)))
        .compose(query -> service.changesSince(ns, query.cursor(), query.limit()))
        .map(page -> JsonBodies.changes(page.changes(), page.complete(), page.cursor().encode()));
  }

  private record ChangesQuery(ChangeCursor cursor, int limit) {}

  private static int changesLimit(String limit) {
    if (limit == null) {
      return ApiLimits.MAX_LIST_LIMIT;
    }
    try {
      int n = Integer.parseInt(limit);
      if (n >= 1 && n <= ApiLimits.MAX_LIST_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw KvsException.badRequest("invalid_limit", "limit must be an integer from 1 to " + ApiLimits.MAX_LIST_LIMIT);
  }

  /** Validation that throws, as a Future: a bad input fails the call like any other error. */
  private static <T> Future<T> parsed(Supplier<T> parse) {
    try {
      return Future.succeededFuture(parse.get());
    } catch (KvsException e) {
      return Future.failedFuture(e);
    }
  }
}
