package dev.kvs.cache;

import dev.kvs.logging.LogRateLimit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the other replicas which keys this process changed, so they drop them from their caches.
 *
 * <p>Changes are batched: at most one NOTIFY per interval, carrying every key changed meanwhile.
 * A notifying transaction takes a database-wide lock at commit; one per write measured at about a
 * third of the upsert throughput on this project's machine, one per batch costs nothing visible.
 * The price is a delay of one interval before other replicas invalidate. A batch that cannot be
 * sent (database down) is dropped: the cache TTL bounds how long another replica may serve it.
 */
public final class ChangePublisher {
  private static final Logger LOG = LoggerFactory.getLogger(ChangePublisher.class);
  private static final String NOTIFY = "SELECT pg_notify('" + ChangeMessages.CHANNEL + "', $1)";

  private final Vertx vertx;
  private final Pool pool;
  private final String origin;
  private final long intervalMs;
  private final ConcurrentLinkedQueue<String> pending = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private final Counter sent;
  private final Counter failures;
  private final LogRateLimit failureLog = new LogRateLimit(10, TimeUnit.SECONDS);

  public ChangePublisher(Vertx vertx, Pool pool, String origin, long intervalMs, MeterRegistry registry) {
    this.vertx = vertx;
    this.pool = pool;
    this.origin = origin;
    this.intervalMs = intervalMs;
    this.sent = Counter.builder("kvs.cache.notifications.sent")
        .description("NOTIFY messages sent to other replicas (each carries a batch of changed keys)").register(registry);
    this.failures = Counter.builder("kvs.cache.notify.failures")
        .description("NOTIFY messages that could not be sent: other replicas may serve those keys until their cache TTL")
        .register(registry);
  }

  /** Announces, within one interval, that a key changed. Callable from any thread. */
  public void publish(String ns, String key) {
    pending.add(ChangeMessages.change(ns, key));
    if (flushScheduled.compareAndSet(false, true)) {
      vertx.setTimer(intervalMs, id -> flush());
    }
  }

  /**
   * Sends what is pending now instead of at the end of the interval; shutdown calls it, so the last
   * writes of a stopping replica reach the others without waiting for their cache TTL.
   */
  public Future<Void> flush() {
    flushScheduled.set(false);
    Set<String> batch = new LinkedHashSet<>();
    for (String change; (change = pending.poll()) != null; ) {
      batch.add(change);
    }
    List<Future<?>> notifications = new ArrayList<>();
    for (String payload : ChangeMessages.encode(origin, batch)) {
      notifications.add(pool.preparedQuery(NOTIFY).execute(Tuple.of(payload)).onComplete(
          done -> sent.increment(),
          this::failed));
    }
    // A notification that cannot be sent is dropped (see above): flushing never fails.
    return Future.join(notifications).<Void>mapEmpty().recover(ignored -> Future.succeededFuture());
  }

  private void failed(Throwable failure) {
    failures.increment();
    String more = failureLog.permit();
    if (more != null) {
      LOG.warn("change notification not sent, other replicas may serve changed keys until their cache TTL: {}{}",
          failure.toString(), more);
    }
  }
}
