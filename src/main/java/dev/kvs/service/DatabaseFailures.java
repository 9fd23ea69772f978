package dev.kvs.service;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/** Maps what the database or the pool failed with onto the API's errors. */
public final class DatabaseFailures {
  private DatabaseFailures() {}

  /** For {@code Future.recover}: the same failure, mapped by {@link #classify}. */
  public static <T> io.vertx.core.Future<T> mapped(Throwable failure) {
    return io.vertx.core.Future.failedFuture(classify(failure));
  }

  /**
   * 409 when other writers held the row (lock timeout, serialization failure, deadlock); 503
   * when the database is unreachable, restarting, out of connections or too slow; the original
   * failure otherwise (a bug: it becomes a 500 with a request id).
   */
  public static Throwable classify(Throwable failure) {
    if (failure instanceof KvsException) {
      return failure;
    }
    if (failure instanceof PgException pg) {
      String state = pg.getSqlState() == null ? "" : pg.getSqlState();
      return switch (state) {
        case "55P03", "40001", "40P01" -> KvsException.conflict();
        // query_canceled (statement_timeout), admin/crash shutdown, cannot connect now,
        // insufficient resources, too many connections, read-only standby.
        case "57014", "57P01", "57P02", "57P03", "53000", "53100", "53200", "53300", "25006" ->
            KvsException.unavailable();
        default -> state.startsWith("08") ? KvsException.unavailable() : failure;
      };
    }
    // Connection-level failures: refused or lost connections (IOException), a connection closed
    // under a query, and the pool's own VertxExceptions (closed pool, acquisition timeout, wait
    // queue full). Anything else is a bug in our code and stays a 500.
    if (failure instanceof IOException
        || failure instanceof ClosedConnectionException
        || failure instanceof TimeoutException
        || failure instanceof VertxException) {
      return KvsException.unavailable();
    }
    return failure;
  }
}
