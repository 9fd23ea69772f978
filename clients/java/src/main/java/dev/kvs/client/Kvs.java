package dev.kvs.client;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.List;
import java.util.Map;

/**
 * The data calls of KVS on one namespace, whatever carries them: {@link KvsClient} over the event
 * bus, {@link KvsHttpClient} over HTTP. Both answer with the same typed records and fail with the
 * same {@link KvsFailure}s (same {@code status} and {@code code} for the same error), so code
 * written against this interface switches transport by changing the line that creates the client.
 *
 * <p>Every call answers with a {@link Future}. Arguments that are null where a value is required
 * throw {@link NullPointerException} at once; everything else (key syntax, limits, expiry rules)
 * is checked by KVS.
 */
public interface Kvs {

  /** The namespace this client works on. */
  String namespace();

  /** The live record of {@code key}; fails with 404 {@code not_found} when it is absent or expired. */
  Future<KvsRecord> get(String key);

  /** Writes {@code value} (JsonObject, JsonArray, String, Number or Boolean) with the default expiry of one day. */
  Future<KvsRecord> write(String key, Object value);

  /**
   * Writes {@code value} unconditionally; {@code options} (null for none) sets its expiry and metadata.
   * Answers with the stored record: its {@code createdAt} is now.
   */
  Future<KvsRecord> write(String key, Object value, WriteOptions options);

  /** {@link #checkAndWrite(String, Object, Operator, long, WriteOptions)} with the default expiry and no metadata. */
  Future<KvsRecord> checkAndWrite(String key, Object value, Operator operator, long unixtimeMs);

  /**
   * Writes {@code value} when the live record's {@code created_at <operator> unixtimeMs} holds, or
   * when there is no live record. When the record exists and the condition is false, nothing is
   * written and the call fails with {@link ConditionFailed}, whose {@link ConditionFailed#current()}
   * is the live record. Check and write are one statement in KVS: no other write can come between.
   */
  Future<KvsRecord> checkAndWrite(String key, Object value, Operator operator, long unixtimeMs, WriteOptions options);

  /** Deletes {@code key}; succeeds also when there was nothing to delete. */
  Future<Void> delete(String key);

  /** One page of live keys in byte order ({@code new ListOptions()}: the first page of all keys). */
  Future<KvsPage> list(ListOptions options);

  /**
   * The live records of up to 100 keys, one read. The map holds only the keys that have a live
   * record, in the order asked: an absent or expired key is not in it.
   */
  Future<Map<String, KvsRecord>> bulkGet(List<String> keys);

  /** Writes up to 1,000 records, all or none; answers with the number of distinct keys written. */
  Future<Integer> bulkWrite(List<KvsWrite> items);

  /** Deletes up to 1,000 keys; answers with the number of live records removed. */
  Future<Integer> bulkDelete(List<String> keys);

  /**
   * Up to {@code limit} changes of the namespace's change log after {@code cursor} (null: from the
   * oldest change kept), oldest first. A cursor older than what the server keeps fails with 410
   * {@code cursor_expired}.
   */
  Future<KvsChangePage> changesSince(String cursor, int limit);

  /** {@link #changesSince(String, int)} with the server's default page size. */
  Future<KvsChangePage> changesSince(String cursor);

  /**
   * Hands {@code handler} every change after {@code cursor} (null: from the oldest change kept), in
   * log order, each exactly once: first those in the change log, then each new one. How new
   * changes are noticed is the transport's: {@link KvsClient} is woken by the live feed and polls
   * as a fallback, {@link KvsHttpClient} polls {@code /changes}. See {@link KvsFollower}.
   */
  KvsFollower follow(String cursor, Handler<KvsChange> handler);
}
