package dev.kvs.cache;

import dev.kvs.config.KvsConfig;
import dev.kvs.service.KeyChanges;
import dev.kvs.store.RecordReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.UUID;

/**
 * The cache as the rest of the process sees it: where reads go, what a write must tell, and the
 * notification plumbing that keeps replicas' caches coherent. With the cache off, reads go
 * straight to the store and writes tell nobody.
 */
public final class CacheTier {
  private final RecordReader reads;
  private final KeyChanges changes;
  private final ReadCache cache;
  private final ChangePublisher publisher;
  private final ChangeListener listener;

  private CacheTier(RecordReader reads, KeyChanges changes, ReadCache cache, ChangePublisher publisher,
      ChangeListener listener) {
    this.reads = reads;
    this.changes = changes;
    this.cache = cache;
    this.publisher = publisher;
    this.listener = listener;
  }

  /** @param backgroundPool where the change notifications are sent from, away from user traffic */
  public static CacheTier create(Vertx vertx, Pool backgroundPool, KvsConfig config, MeterRegistry registry,
      RecordReader store) {
    if (!config.cache().enabled()) {
      return new CacheTier(store, KeyChanges.NONE, null, null, null);
    }
    String origin = UUID.randomUUID().toString().substring(0, 8);
    ReadCache cache = new ReadCache(store, config.cache(), registry);
    ChangePublisher publisher = new ChangePublisher(vertx, backgroundPool, origin, config.cache().notifyIntervalMs(), registry);
    ChangeListener listener = new ChangeListener(vertx, config.database().connectOptions("kvs-listen"), origin, cache, registry);
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
    return new CacheTier(cache, changes, cache, publisher, listener);
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

  public ChangeListener listener() {
    return listener;
  }

  public Future<Void> start() {
    return listener == null ? Future.succeededFuture() : listener.start();
  }

  /** Sends the pending change notifications, then stops listening. */
  public Future<Void> stop() {
    if (listener == null) {
      return Future.succeededFuture();
    }
    return publisher.flush().eventually(listener::stop);
  }
}
