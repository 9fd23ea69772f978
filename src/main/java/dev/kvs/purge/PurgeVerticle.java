package dev.kvs.purge;

import dev.kvs.config.KvsConfig.PurgeConfig;
import dev.kvs.store.NamespaceStore;
import dev.kvs.store.PurgeStore;
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
 * under a transaction-scoped advisory lock so that one replica purges at a time. A run goes on
 * while batches come back full, for at most the configured run time, so a backlog drains in one
 * run rather than a fixed number of rows per interval. Fully asynchronous: a run is a chain of
 * futures on this verticle's event loop, never a blocking loop.
 *
 * <p>A run also finishes the deletion of namespaces deleted more than the purge grace ago: their
 * last records (written by requests already in flight when the deletion began) and their rows.
 *
 * <p>A run also trims the change log: the changes older than their retention go, oldest first.
 *
 * <p>The lag gauge is the age of the oldest row waiting for the purge, computed when it is read
 * from the oldest expiry last seen: refreshed after every batch, also after a failed one, so it
 * keeps growing while the purge falls behind or fails instead of showing a stale 0.
 */
public final class PurgeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PurgeVerticle.class);
  private static final long NONE = Long.MAX_VALUE;

  private final PurgeStore store;
  private final NamespaceStore namespaces;
  private final long graceMs;
  private final PurgeConfig config;
  private final Counter deleted;
  private final Counter batches;
  private final Counter runsPurged;
  private final Counter runsSkipped;
  private final Counter runsFailed;
  private final Counter namespacesDeleted;
  private final Counter changesTrimmed;
  private final long changeRetentionMinutes;
  private final AtomicLong oldestWaitingExpiryMs = new AtomicLong(NONE);
  private final AtomicLong lastRunEpochMs = new AtomicLong();
  private long timerId = -1;
  private Future<Integer> running;

  /** @param graceMs how long after its deletion began a namespace's rows may go for good */
  public PurgeVerticle(PurgeStore store, NamespaceStore namespaces, long graceMs, PurgeConfig config,
      long changeRetentionMinutes, MeterRegistry registry) {
    this.store = store;
    this.changeRetentionMinutes = changeRetentionMinutes;
    this.changesTrimmed = Counter.builder("kvs.changes.trimmed")
        .description("Changes dropped from the change log after their retention").register(registry);
    this.namespaces = namespaces;
    this.graceMs = graceMs;
    this.config = config;
    this.namespacesDeleted = Counter.builder("kvs.purge.namespaces.deleted")
        .description("Deleted namespaces whose last records and row the purge removed").register(registry);
    this.deleted = Counter.builder("kvs.purge.deleted").description("Expired rows deleted by the purge").register(registry);
    this.batches = Counter.builder("kvs.purge.batches").description("Purge batches run by this process").register(registry);
    this.runsPurged = runs(registry, "purged");
    this.runsSkipped = runs(registry, "skipped");
    this.runsFailed = runs(registry, "failed");
    Gauge.builder("kvs.purge.lag", oldestWaitingExpiryMs, PurgeVerticle::lagSeconds)
        .description("Age of the oldest expired row waiting for the purge, as of the last check")
        .baseUnit("seconds").register(registry);
    Gauge.builder("kvs.purge.last.run", lastRunEpochMs, v -> v.get() / 1000.0)
        .description("When the last purge run ended (unix time)").baseUnit("seconds").register(registry);
  }

  private static Counter runs(MeterRegistry registry, String outcome) {
    return Counter.builder("kvs.purge.runs").tag("outcome", outcome)
        .description("Purge runs: purged, skipped (another replica holds the lock) or failed").register(registry);
  }

  private static double lagSeconds(AtomicLong oldestExpiryMs) {
    long oldest = oldestExpiryMs.get();
    return oldest == NONE ? 0 : Math.max(0, System.currentTimeMillis() - oldest) / 1000.0;
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
   * One purge run. Returns the rows deleted (-1 when another replica holds the lock). A run still
   * going is joined, not doubled.
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
    long deadline = System.currentTimeMillis() + config.maxRunMs();
    running = purgeBatches(deadline, 0, true)
        .compose(total -> total < 0 ? Future.succeededFuture(total)
            : finishDeletedNamespaces().compose(done -> trimChanges(deadline)).map(total))
        .onComplete(total -> {
          lastRunEpochMs.set(System.currentTimeMillis());
          (total < 0 ? runsSkipped : runsPurged).increment();
        }, failure -> {
          runsFailed.increment();
          LOG.warn("purge run failed: {}", failure.toString());
        });
    return running;
  }

  private Future<Integer> purgeBatches(long deadline, int deletedSoFar, boolean first) {
    return store.purgeBatch()
        .eventually(this::refreshLag) // after every batch, a failed one too; its own outcome changes nothing
        .compose(batch -> {
          if (batch.skipped()) {
            return Future.succeededFuture(first ? -1 : deletedSoFar);
          }
          batches.increment();
          deleted.increment(batch.deleted());
          int total = deletedSoFar + batch.deleted();
          boolean more = batch.chosen() == config.batchSize() && System.currentTimeMillis() < deadline;
          return more ? purgeBatches(deadline, total, false) : Future.succeededFuture(total);
        });
  }

  /** Drops the changes past their retention from the log, in batches, while batches come back full. */
  private Future<Void> trimChanges(long deadline) {
    return store.trimChangesBatch(changeRetentionMinutes).compose(dropped -> {
      if (dropped > 0) {
        changesTrimmed.increment(dropped);
      }
      return dropped == store.batchSize() && System.currentTimeMillis() < deadline
          ? trimChanges(deadline) : Future.succeededFuture();
    });
  }

  private Future<Void> finishDeletedNamespaces() {
    return namespaces.deletingFor(graceMs).compose(names -> {
      Future<Void> chain = Future.succeededFuture();
      for (String name : names) {
        chain = chain.compose(done -> namespaces.finishDeletion(name)).onSuccess(done -> namespacesDeleted.increment());
      }
      return chain;
    });
  }

  /** Looks up the oldest row still waiting; when the database does not answer, the last value stays (and ages). */
  private Future<Void> refreshLag() {
    return store.oldestPurgeableMs()
        .onSuccess(oldest -> oldestWaitingExpiryMs.set(oldest == null ? NONE : oldest))
        .mapEmpty();
  }
}
