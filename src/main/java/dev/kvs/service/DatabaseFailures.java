package dev.kvs.service;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/** Maps what the database or the pool failed with onto the API's errors. */
public final class DatabaseFailures {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DatabaseFailures.class);
  private DatabaseFailures() {}

  /** For {@code Future.recover}: the same failure, mapped by {@link #classify}. */
  public static <T> io.vertx.core.Future<T> mapped(Throwable failure) {
    return io.vertx.core.Future.failedFuture(classify(failure));
  }

  /**
   * 409 when other writers held the row (lock timeout, serialization failure, deadlock); 400 for a
   * data exception (SQLSTATE class 22); 503
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
        // insufficient resources, too many connections, read-only standby; and refusals of a new
        // session: database not accepting connections (55000), gone (3D000), login refused (28xxx).
        case "57014", "57P01", "57P02", "57P03", "53000", "53100", "53200", "53300", "25006",
            "55000", "3D000", "28000", "28P01" -> KvsException.unavailable();
        default -> state.startsWith("08") ? KvsException.unavailable()
            // Data exceptions (a timestamp out of range, a string the encoding rejects): the input
            // got past validation but the database refused it, so it is still the client's input.
            : state.startsWith("22") ? KvsException.badRequest("invalid_request",
                "a value in the request is outside what can be stored")
            : failure;
      };
    }
    if (isConnectionLevel(failure)) {
      LOG.debug("database unavailable: {}", failure.toString());
      return KvsException.unavailable();
    }
    return failure;
  }

  /**
   * Refused or lost connections (IOException anywhere in the causes), a connection closed under a
   * query, and the pool's own refusals (closed, acquisition timeout, wait queue full). The pool
   * and connections report the last ones as plain VertxExceptions, known only by their message. Any other
   * VertxException (a parameter the client cannot encode, say) is a bug and stays a 500.
   */
  private static boolean isConnectionLevel(Throwable failure) {
    if (failure instanceof ConnectionPoolTooBusyException) {
      return true;
    }
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IOException || t instanceof ClosedConnectionException || t instanceof TimeoutException) {
        return true;
      }
      if (t instanceof VertxException && t.getMessage() != null && isAboutTheConnection(t.getMessage())) {
        return true;
      }
    }
    return false;
  }

  // "Timeout waiting for connection", "Connection is not active now, current status: CLOSED",
  // "Pending requests failed to be sent due to connection has been closed.", "Pool closed".
  private static boolean isAboutTheConnection(String message) {
    return message.toLowerCase(java.util.Locale.ROOT).contains("connection") || message.equals("Pool closed");
  }
}
