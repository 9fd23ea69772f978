package dev.kvs.cache;

import dev.kvs.config.KvsConfig;
import dev.kvs.notify.NotificationListener;
import dev.kvs.service.KeyChanges;
import dev.kvs.store.RecordReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * The cache as the rest of the process sees it: where reads go, what a write must tell, and the
 * notification plumbing that keeps replicas' caches coherent (a publisher here, a subscriber to the
 * process's {@link NotificationListener}). With the cache off, reads go straight to the store and
 * writes tell nobody.
 */
public final class CacheTier {
  private final RecordReader reads;
  private final KeyChanges changes;
  private final ReadCache cache;
  private final ChangePublisher publisher;
  private final String origin;

  private CacheTier(RecordReader reads, KeyChanges changes, ReadCache cache, ChangePublisher publisher, String origin) {
    this.reads = reads;
    this.changes = changes;
    this.cache = cache;
    this.publisher = publisher;
    this.origin = origin;
  }

  /**
   * @param backgroundPool where the change notifications are sent from, away from user traffic
   * @param origin this process's id in its notifications (it ignores its own)
   */
  public static CacheTier create(Vertx vertx, Pool backgroundPool, KvsConfig config, MeterRegistry registry,
      RecordReader store, String origin) {
    if (!config.cache().enabled()) {
      return new CacheTier(store, KeyChanges.NONE, null, null, origin);
    }
    ReadCache cache = new ReadCache(store, config.cache(), registry);
    ChangePublisher publisher = new ChangePublisher(vertx, backgroundPool, origin, config.cache().notifyIntervalMs(), registry);
    KeyChanges changes = new KeyChanges() {
      @Override
      public void changed(String ns, String key) {
        cache.invalidate(ns, key);
        publisher.publish(ns, key);
      }

      @Override
      public void foundAbsent(String ns, String key) {
        cache.invalidate(ns, key);
      }
    };
    return new CacheTier(cache, changes, cache, publisher, origin);
  }

  public RecordReader reads() {
    return reads;
  }

  public KeyChanges changes() {
    return changes;
  }

  public ReadCache cache() {
    return cache;
  }

  /** What other replicas' change notifications do here: drop their keys; null when the cache is off. */
  public NotificationListener.Subscriber subscriber() {
    if (cache == null) {
      return null;
    }
    return NotificationListener.Subscriber.of(ChangeMessages.CHANNEL,
        payload -> ChangeMessages.decode(payload, origin, cache::invalidateRemote), cache::clear);
  }

  /** Drops every cached record of a namespace (it was deleted). */
  public void forgetNamespace(String ns) {
    if (cache != null) {
      cache.invalidateNamespace(ns);
    }
  }

  /** Sends the pending change notifications. */
  public Future<Void> stop() {
    return publisher == null ? Future.succeededFuture() : publisher.flush();
  }
}
