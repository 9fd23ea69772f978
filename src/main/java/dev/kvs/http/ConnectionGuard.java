package dev.kvs.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps clients that connect but do not send requests from holding the server's connections.
 * One per HTTP verticle (the API port's and the management port's alike); it runs only on that
 * verticle's event loop, so it needs no locking.
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
 *
 * <p>The per-request cost is a counter and a timestamp: deadlines are enforced by one periodic
 * sweep, not by a timer per request (a timer set and cancelled per request cost about 15 % of
 * the throughput of cache hits). A deadline is therefore kept to within a quarter of the head
 * timeout (at most a second).
 */
final class ConnectionGuard {
  /** A connection; while nothing is in flight on it, it waits for a head since {@code waitingSince}. */
  private static final class Tracked {
    final HttpConnection connection;
    int inFlight;
    long waitingSinceNanos;

    Tracked(HttpConnection connection, long now) {
      this.connection = connection;
      this.waitingSinceNanos = now;
    }
  }

  private final int maxConnections;
  private final long headTimeoutNanos;
  private final AtomicInteger openGauge;
  private final Map<HttpConnection, Tracked> open = new HashMap<>();
  private final Counter headTimeouts;
  private final Counter evicted;
  private final Counter refused;
  private final Vertx vertx;
  private final long sweeper;

  /**
   * @param meters the name the server's connection meters start with: {@code <meters>.closed} is
   *     counted here; {@code <meters>.open}, the gauge of {@code openGauge}, is its owner's to register
   * @param maxConnections this verticle's share of the server's cap
   * @param openGauge the server's count of open connections, shared by all its verticles
   */
  ConnectionGuard(Vertx vertx, String meters, int maxConnections, long headTimeoutMs, AtomicInteger openGauge,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.maxConnections = maxConnections;
    this.headTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(headTimeoutMs);
    this.openGauge = openGauge;
    this.headTimeouts = closed(registry, meters, "head_timeout");
    this.evicted = closed(registry, meters, "evicted");
    this.refused = closed(registry, meters, "refused");
    this.sweeper = vertx.setPeriodic(Math.max(50, Math.min(1_000, headTimeoutMs / 4)), id -> closeOverdue());
  }

  private static Counter closed(MeterRegistry registry, String meters, String reason) {
    return Counter.builder(meters + ".closed").tag("reason", reason)
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
    Tracked tracked = new Tracked(connection, System.nanoTime());
    open.put(connection, tracked);
    openGauge.incrementAndGet();
    connection.closeHandler(v -> forget(tracked));
  }

  /**
   * Every request, before routing: its connection stops waiting until the answer is written. The
   * core response's body-end handler is used, not the router's end handlers, which cost more per
   * request; no handler of the router uses it. A connection closed before its answer is cleaned
   * up by its close handler.
   */
  void requestArrived(HttpServerRequest request) {
    Tracked tracked = open.get(request.connection());
    if (tracked != null) {
      tracked.inFlight++;
      request.response().bodyEndHandler(written -> answered(tracked));
    }
  }

  /** Stops the sweep (the verticle is stopping). */
  void stop() {
    vertx.cancelTimer(sweeper);
  }

  private void answered(Tracked tracked) {
    if (tracked.inFlight > 0 && --tracked.inFlight == 0) {
      tracked.waitingSinceNanos = System.nanoTime();
    }
  }

  private void closeOverdue() {
    long now = System.nanoTime();
    List<Tracked> overdue = new ArrayList<>();
    for (Tracked tracked : open.values()) {
      if (tracked.inFlight == 0 && now - tracked.waitingSinceNanos > headTimeoutNanos) {
        overdue.add(tracked);
      }
    }
    for (Tracked tracked : overdue) {
      forget(tracked);
      headTimeouts.increment();
      tracked.connection.close();
    }
  }

  /** Closes the connection that has waited longest for a request head; false when all are busy. */
  private boolean evictLongestWaiting() {
    Tracked oldest = null;
    for (Tracked tracked : open.values()) {
      if (tracked.inFlight == 0 && (oldest == null || tracked.waitingSinceNanos - oldest.waitingSinceNanos < 0)) {
        oldest = tracked;
      }
    }
    if (oldest == null) {
      return false;
    }
    forget(oldest); // its close handler will find it gone: the slot is free now
    evicted.increment();
    oldest.connection.close();
    return true;
  }

  private void forget(Tracked tracked) {
    if (open.remove(tracked.connection) != null) {
      openGauge.decrementAndGet();
    }
  }
}
