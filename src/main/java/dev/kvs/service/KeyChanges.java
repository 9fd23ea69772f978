package dev.kvs.service;

/** Told after a write or delete, before its caller is answered (the cache invalidates and announces). */
public interface KeyChanges {
  KeyChanges NONE = new KeyChanges() {
    @Override
    public void changed(String ns, String key) {}

    @Override
    public void foundAbsent(String ns, String key) {}
  };

  /** These changes, and then {@code also} runs after each change (the change feed reads the log sooner). */
  default KeyChanges alsoRunning(Runnable also) {
    KeyChanges first = this;
    return new KeyChanges() {
      @Override
      public void changed(String ns, String key) {
        first.changed(ns, key);
        also.run();
      }

      @Override
      public void foundAbsent(String ns, String key) {
        first.foundAbsent(ns, key);
      }
    };
  }

  /** The key changed, or may have (the outcome is unknown): drop it here and tell the other replicas. */
  void changed(String ns, String key);

  /**
   * A delete found no live record, so nothing changed and nobody is told; a copy held here is
   * dropped all the same (it may predate another replica's delete whose notification is on its way).
   */
  void foundAbsent(String ns, String key);
}
