package dev.kvs.service;

/** Told after a write or delete of a key may have changed it (the cache invalidates and announces it). */
@FunctionalInterface
public interface KeyChanges {
  KeyChanges NONE = (ns, key) -> { };

  void changed(String ns, String key);
}
