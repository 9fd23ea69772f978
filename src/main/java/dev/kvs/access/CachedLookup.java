package dev.kvs.access;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A bounded, expiring cache of database look-ups (absent answers included), so that checking a
 * token or a namespace costs no query per request. Concurrent misses of one key share one query;
 * a failed query is not kept. A hit completes at once on the caller's thread.
 */
final class CachedLookup<K, V> {
  private final AsyncCache<K, Optional<V>> cache;
  private final Function<K, Future<V>> load;

  /** @param load the database read; its null result means "absent" and is cached as such */
  CachedLookup(long maxEntries, long ttlMs, Function<K, Future<V>> load) {
    this.cache = Caffeine.newBuilder()
        .maximumSize(maxEntries)
        .expireAfterWrite(Duration.ofMillis(ttlMs))
        .buildAsync();
    this.load = load;
  }

  /** The value, or null when absent. */
  Future<V> get(K key) {
    CompletableFuture<Optional<V>> entry = cache.get(key, (k, executor) ->
        load.apply(k).map(Optional::ofNullable).toCompletionStage().toCompletableFuture());
    if (entry.isDone() && !entry.isCompletedExceptionally()) {
      return Future.succeededFuture(entry.join().orElse(null));
    }
    Context caller = Vertx.currentContext();
    Future<Optional<V>> loaded = caller == null ? Future.fromCompletionStage(entry) : Future.fromCompletionStage(entry, caller);
    return loaded.map(found -> found.orElse(null));
  }

  /** What the caller knows the database now holds (it just wrote it). */
  void put(K key, V value) {
    cache.put(key, CompletableFuture.completedFuture(Optional.ofNullable(value)));
  }

  void invalidate(K key) {
    cache.synchronous().invalidate(key);
  }

  /** Drops the entries whose value matches (a pass over the cache: for rare events only). */
  void invalidateValues(Predicate<V> matching) {
    cache.synchronous().asMap().values().removeIf(v -> v.isPresent() && matching.test(v.get()));
  }

  void clear() {
    cache.synchronous().invalidateAll();
  }

  /** The entries held, once what the bound and the expiry call for is evicted (Caffeine evicts in the background). */
  long size() {
    cache.synchronous().cleanUp();
    return cache.synchronous().estimatedSize();
  }
}
