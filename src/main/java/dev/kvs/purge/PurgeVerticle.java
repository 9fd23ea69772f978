package dev.kvs.purge;

import dev.kvs.config.KvsConfig.PurgeConfig;
import dev.kvs.store.PgStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes expired rows on a periodic timer, in batches, each batch in its own short transaction
 * under a transaction-scoped advisory lock so that one replica purges at a time. Fully
 * asynchronous: a run is a chain of futures on this verticle's event loop, never a blocking loop.
 */
public final class PurgeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PurgeVerticle.class);

  private final PgStore store;
  private final PurgeConfig config;
  private final Counter deleted;
  private final Counter runsPurged;
  private final Counter runsSkipped;
  private final Counter runsFailed;
  private final AtomicLong lagMs = new AtomicLong();
  private final AtomicLong lastRunEpochMs = new AtomicLong();
  private long timerId = -1;
  private Future<Integer> running;

  public PurgeVerticle(PgStore store, PurgeConfig config, MeterRegistry registry) {
    this.store = store;
    this.config = config;
    this.deleted = Counter.builder("kvs.purge.deleted").description("Expired rows deleted by the purge").register(registry);
    this.runsPurged = runs(registry, "purged");
    this.runsSkipped = runs(registry, "skipped");
    this.runsFailed = runs(registry, "failed");
    Gauge.builder("kvs.purge.lag", lagMs, v -> v.get() / 1000.0)
        .description("Age of the oldest expired row not yet purged, after the last run")
        .baseUnit("seconds").register(registry);
    Gauge.builder("kvs.purge.last.run", lastRunEpochMs, v -> v.get() / 1000.0)
        .description("When the last purge run ended (unix time)").baseUnit("seconds").register(registry);
  }

  private static Counter runs(MeterRegistry registry, String outcome) {
    return Counter.builder("kvs.purge.runs").tag("outcome", outcome)
        .description("Purge runs: purged, skipped (another replica holds the lock) or failed").register(registry);
  }

  @Override
  public Future<?> start() {
    timerId = vertx.setPeriodic(config.intervalMs(), id -> runOnce());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    return running == null ? Future.succeededFuture() : running.otherwiseEmpty();
  }

  /**
   * One purge run: batches until a batch comes back short or the per-run cap is reached. Returns
   * the rows deleted (-1 when another replica holds the lock). A run still going is joined, not
   * doubled.
   */
  public Future<Integer> runOnce() {
    if (context != null && Vertx.currentContext() != context) {
      // Called from elsewhere (an operator hook, a test): run on this verticle's own event loop,
      // the only thread that touches its state.
      Promise<Integer> result = Promise.promise();
      context.runOnContext(v -> runOnce().onComplete(result));
      return result.future();
    }
    if (running != null && !running.isComplete()) {
      return running;
    }
    running = purgeBatches(0, 0)
        .compose(total -> store.purgeLagMs().map(lag -> {
          lagMs.set(lag);
          return total;
        }))
        .onComplete(total -> {
          lastRunEpochMs.set(System.currentTimeMillis());
          (total < 0 ? runsSkipped : runsPurged).increment();
        }, failure -> {
          runsFailed.increment();
          LOG.warn("purge run failed: {}", failure.toString());
        });
    return running;
  }

  private Future<Integer> purgeBatches(int batchesDone, int deletedSoFar) {
    return store.purgeExpiredBatch(config.batchSize()).compose(n -> {
      if (n < 0) {
        return Future.succeededFuture(batchesDone == 0 ? -1 : deletedSoFar);
      }
      deleted.increment(n);
      int total = deletedSoFar + n;
      boolean more = n == config.batchSize() && batchesDone + 1 < config.maxBatchesPerRun();
      return more ? purgeBatches(batchesDone + 1, total) : Future.succeededFuture(total);
    });
  }
}
