package dev.kvs.store;

import io.vertx.core.Future;

/** Unconditional changes of one record: the store itself, or the write batcher in front of it. */
public interface RecordWriter {
  /** Writes the record; its stored form (created_at, expired_at). */
  Future<StoredRecord> upsert(String ns, String key, String value, String metadata, Expiry expiry);

  /** Deletes the live record; 1 when there was one, 0 when not. */
  Future<Integer> delete(String ns, String key);
}
