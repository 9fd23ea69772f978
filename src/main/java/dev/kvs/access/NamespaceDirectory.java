package dev.kvs.access;

import dev.kvs.config.KvsConfig.RecordLimits;
import dev.kvs.store.NamespaceRow;
import dev.kvs.store.NamespaceStore;
import io.vertx.core.Future;

/**
 * The namespaces with their limits in force, cached so that a request costs no query. A namespace
 * being deleted does not exist here.
 */
public final class NamespaceDirectory {
  private final NamespaceStore store;
  private final RecordLimits defaults;
  private final int defaultRequestsPerSecond;
  private final CachedLookup<String, Namespace> namespaces;

  public NamespaceDirectory(NamespaceStore store, RecordLimits defaults, int defaultRequestsPerSecond, long cacheTtlMs) {
    this.store = store;
    this.defaults = defaults;
    this.defaultRequestsPerSecond = defaultRequestsPerSecond;
    this.namespaces = new CachedLookup<>(100_000, cacheTtlMs,
        name -> store.find(name).map(row -> row == null || row.deleting() ? null : resolve(row)));
  }

  /** The namespace, or null when it does not exist. */
  public Future<Namespace> find(String name) {
    return namespaces.get(name);
  }

  /** The namespace, created with the default limits when it does not exist (authentication off). */
  Future<Namespace> findOrCreate(String name) {
    return find(name).compose(found -> found != null ? Future.succeededFuture(found)
        : store.create(name, NamespaceRow.Limits.DEFAULTS).compose(created -> {
          if (created == null) {
            forget(name); // created meanwhile by another call: cached as absent a moment ago
            return find(name);
          }
          Namespace ns = resolve(created);
          namespaces.put(name, ns); // replaces "absent", so the next call needs no query
          return Future.succeededFuture(ns);
        }));
  }

  /** A namespace with no limits of its own: what a call on one that does not exist is held to. */
  Namespace unregistered(String name) {
    return new Namespace(name, defaults, defaultRequestsPerSecond, 0L, false);
  }

  public Namespace resolve(NamespaceRow row) {
    return Namespace.of(row, defaults, defaultRequestsPerSecond);
  }

  public void forget(String name) {
    namespaces.invalidate(name);
  }

  void clear() {
    namespaces.clear();
  }
}
