package dev.kvs.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps clients that connect but do not send requests from holding the server's connections.
 * One per HTTP verticle; it runs only on that verticle's event loop, so it needs no locking.
 *
 * <ul>
 *   <li>A connection must deliver a request head within the head timeout, counted from its opening
 *       or from the end of its previous answer. A client that dribbles its head (slowloris) or
 *       parks an idle connection is closed at the deadline; bytes trickling in do not extend it.</li>
 *   <li>Open connections are capped. When full, the connection that has waited longest for a
 *       request head is closed to make room (it holds nothing in flight); only when every
 *       connection is busy is the new one refused. So idle connections, however many, cannot keep
 *       a new client out.</li>
 * </ul>
 */
final class ConnectionGuard {
  /** A connection, and the head-deadline timer running while it waits for a request (or -1). */
  private static final class Tracked {
    final HttpConnection connection;
    int inFlight;
    long headTimer = -1;

    Tracked(HttpConnection connection) {
      this.connection = connection;
    }
  }

  private final Vertx vertx;
  private final int maxConnections;
  private final long headTimeoutMs;
  private final AtomicInteger openGauge;
  private final Map<HttpConnection, Tracked> open = new HashMap<>();
  /** Connections waiting for a request head, the longest-waiting first. */
  private final LinkedHashSet<Tracked> waiting = new LinkedHashSet<>();
  private final Counter headTimeouts;
  private final Counter evicted;
  private final Counter refused;

  /**
   * @param maxConnections this verticle's share of the process's cap
   * @param openGauge the process's count of open connections, shared by every HTTP verticle
   */
  ConnectionGuard(Vertx vertx, int maxConnections, long headTimeoutMs, AtomicInteger openGauge, MeterRegistry registry) {
    this.vertx = vertx;
    this.maxConnections = maxConnections;
    this.headTimeoutMs = headTimeoutMs;
    this.openGauge = openGauge;
    this.headTimeouts = closed(registry, "head_timeout");
    this.evicted = closed(registry, "evicted");
    this.refused = closed(registry, "refused");
  }

  private static Counter closed(MeterRegistry registry, String reason) {
    return Counter.builder("kvs.http.connections.closed").tag("reason", reason)
        .description("Connections the server closed to protect itself: no request head in time (head_timeout),"
            + " made room for a new one (evicted), or over the cap with none to evict (refused)")
        .register(registry);
  }

  void connected(HttpConnection connection) {
    if (open.size() >= maxConnections && !evictLongestWaiting()) {
      refused.increment();
      connection.close();
      return;
    }
    Tracked tracked = new Tracked(connection);
    open.put(connection, tracked);
    openGauge.incrementAndGet();
    connection.closeHandler(v -> disconnected(tracked));
    awaitHead(tracked);
  }

  /** The first handler of every request: the connection stops waiting until the answer is sent. */
  void requestArrived(RoutingContext ctx) {
    Tracked tracked = open.get(ctx.request().connection());
    if (tracked != null) {
      tracked.inFlight++;
      stopWaiting(tracked);
      ctx.addEndHandler(ended -> answered(tracked)); // answered, failed or closed: called once
    }
    ctx.next();
  }

  private void answered(Tracked tracked) {
    if (tracked.inFlight > 0 && --tracked.inFlight == 0 && open.containsKey(tracked.connection)) {
      awaitHead(tracked);
    }
  }

  private void awaitHead(Tracked tracked) {
    stopWaiting(tracked);
    waiting.add(tracked);
    tracked.headTimer = vertx.setTimer(headTimeoutMs, id -> {
      tracked.headTimer = -1;
      headTimeouts.increment();
      tracked.connection.close();
    });
  }

  private void stopWaiting(Tracked tracked) {
    waiting.remove(tracked);
    if (tracked.headTimer >= 0) {
      vertx.cancelTimer(tracked.headTimer);
      tracked.headTimer = -1;
    }
  }

  private boolean evictLongestWaiting() {
    if (waiting.isEmpty()) {
      return false;
    }
    Tracked oldest = waiting.iterator().next();
    disconnected(oldest); // its close handler will find it gone: the slot is free now
    evicted.increment();
    oldest.connection.close();
    return true;
  }

  private void disconnected(Tracked tracked) {
    stopWaiting(tracked);
    if (open.remove(tracked.connection) != null) {
      openGauge.decrementAndGet();
    }
  }
}
