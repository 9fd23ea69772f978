package dev.kvs.store;

import io.vertx.core.Future;

/** Changes of one record: the store itself, or the write batcher in front of it. */
public interface RecordWriter {
  /** Writes the record; its stored form (created_at, expired_at). */
  Future<StoredRecord> upsert(String ns, String key, String value, String metadata, Expiry expiry);

  /**
   * Writes the record when the live one's {@code created_at <op> unixtimeMs} holds or there is no
   * live record; otherwise answers the live record (null when it vanished before it could be read).
   */
  Future<ConditionalOutcome> upsertIf(String ns, String key, String value, String metadata, Expiry expiry,
      Operator op, long unixtimeMs);

  /** Deletes the live record; 1 when there was one, 0 when not. */
  Future<Integer> delete(String ns, String key);
}
