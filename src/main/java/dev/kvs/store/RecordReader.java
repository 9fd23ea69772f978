package dev.kvs.store;

import io.vertx.core.Future;

/** The read path of the store: the live record of a key, or null. The cache sits in front of it. */
@FunctionalInterface
public interface RecordReader {
  Future<StoredRecord> selectLive(String ns, String key);
}
