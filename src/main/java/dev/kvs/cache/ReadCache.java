package dev.kvs.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.kvs.config.KvsConfig.CacheConfig;
import dev.kvs.store.RecordReader;
import dev.kvs.store.StoredRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The in-process read cache in front of the store: one per process, shared by all event loops.
 *
 * <ul>
 *   <li>Concurrent misses on one key share one load (Caffeine's {@code AsyncCache.get}); a failed
 *       load is not kept, so the next request asks the database again.</li>
 *   <li>Absent keys are cached too, as {@link #ABSENT}: a stampede on a missing key also costs one query.</li>
 *   <li>An entry lives at most the cache TTL, and is never served past the record's own
 *       {@code expired_at} (checked on every read, {@link #liveRecord}).</li>
 *   <li>{@link #invalidate} removes the entry, including a load still in flight: Caffeine drops an
 *       invalidated future instead of storing it when it completes, so a load that read the
 *       database before a write committed can never land after that write's invalidation.</li>
 * </ul>
 */
public final class ReadCache implements RecordReader {
  /** The cached answer "no live record". */
  private static final Entry ABSENT = new Entry(null);

  private record Key(String ns, String key) {}

  private record Entry(StoredRecord record) {}

  private final RecordReader store;
  private final AsyncCache<Key, Entry> cache;
  private final Counter loads;
  private final Counter coalesced;
  private final Counter localInvalidations;
  private final Counter remoteInvalidations;

  public ReadCache(RecordReader store, CacheConfig config, MeterRegistry registry) {
    this.store = store;
    this.cache = Caffeine.newBuilder()
        .maximumSize(config.maxEntries())
        // One lifetime for all: a record expiring sooner is refused at read, which a per-entry
        // expiry (a timer wheel updated on every insert) only did earlier, at a cost on every miss.
        .expireAfterWrite(config.ttlMs(), TimeUnit.MILLISECONDS)
        // Upkeep (eviction, expiry) on the calling event loop, a few entries at a time: handing it
        // to the common pool woke a thread for every miss, and on 2 cores that thread competes with
        // the event loops. Measured: 17.6 -> 15.1 µs of CPU per hit, and 29.2k -> 31.4k random
        // GETs/s over a million keys (every miss evicting).
        .executor(Runnable::run)
        .recordStats()
        .buildAsync();
    CaffeineCacheMetrics.monitor(registry, cache, "kvs_records");
    this.loads = Counter.builder("kvs.cache.loads").description("Database reads made on behalf of the cache").register(registry);
    this.coalesced = Counter.builder("kvs.cache.coalesced")
        .description("Reads that joined a load already in flight instead of querying").register(registry);
    this.localInvalidations = invalidations(registry, "local");
    this.remoteInvalidations = invalidations(registry, "remote");
  }

  private static Counter invalidations(MeterRegistry registry, String source) {
    return Counter.builder("kvs.cache.invalidations").tag("source", source)
        .description("Keys invalidated after writes of this process (local) or of other replicas (remote)")
        .register(registry);
  }

  /**
   * The live record of a key, from memory when cached, else from one database read shared by all
   * concurrent callers. Completes on the caller's Vert.x context.
   */
  @Override
  public Future<StoredRecord> selectLive(String ns, String key) {
    @SuppressWarnings("unchecked")
    Future<StoredRecord>[] ownLoad = new Future[1];
    CompletableFuture<Entry> entry = cache.get(new Key(ns, key), (k, executor) -> {
      loads.increment();
      Future<StoredRecord> load = store.selectLive(ns, key);
      ownLoad[0] = load;
      return load.map(found -> found == null ? ABSENT : new Entry(found)).toCompletionStage().toCompletableFuture();
    });
    if (ownLoad[0] != null) {
      return ownLoad[0]; // this call ran the query: its answer arrives on this caller's context already
    }
    if (entry.isDone() && !entry.isCompletedExceptionally()) {
      return Future.succeededFuture(liveRecord(entry.join())); // a hit: already on the caller's thread
    }
    coalesced.increment();
    // Joined another caller's load: hop back to this caller's event loop when it completes.
    Context caller = Vertx.currentContext();
    Future<Entry> joined = caller == null ? Future.fromCompletionStage(entry) : Future.fromCompletionStage(entry, caller);
    return joined.map(ReadCache::liveRecord);
  }

  /** A cached record whose expiry passed is absent, even if its entry has not been evicted yet. */
  private static StoredRecord liveRecord(Entry entry) {
    StoredRecord record = entry.record();
    return record != null && record.expiredAtMs() > System.currentTimeMillis() ? record : null;
  }

  /** After a write of this process committed. */
  public void invalidate(String ns, String key) {
    localInvalidations.increment();
    cache.synchronous().invalidate(new Key(ns, key));
  }

  /** After a write of another replica, announced by a notification. */
  public void invalidateRemote(String ns, String key) {
    remoteInvalidations.increment();
    cache.synchronous().invalidate(new Key(ns, key));
  }

  /** Forgets every record of a namespace (deleted): one pass over the cache, for a rare event. */
  public void invalidateNamespace(String ns) {
    cache.synchronous().asMap().keySet().removeIf(k -> k.ns().equals(ns));
  }

  /** Forget everything: used when change notifications may have been missed. */
  public void clear() {
    cache.synchronous().invalidateAll();
  }
}
