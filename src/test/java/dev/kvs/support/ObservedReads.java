package dev.kvs.support;

import dev.kvs.store.RecordReader;
import dev.kvs.store.StoredRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps the real store's reads (every read still runs its SELECT on the real database): counts the
 * queries per key, and can hold back the answer of the next read of a key until the test releases
 * it, to stage a slow read that straddles a write.
 */
public final class ObservedReads implements RecordReader {
  private final RecordReader real;
  private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
  private final Map<String, Promise<Void>> gates = new ConcurrentHashMap<>();

  private ObservedReads(RecordReader real) {
    this.real = real;
  }

  /** Records the wrapper for the test to read, and returns the decorator for the service. */
  public static java.util.function.UnaryOperator<RecordReader> into(ObservedReads[] holder) {
    return real -> holder[0] = new ObservedReads(real);
  }

  @Override
  public Future<StoredRecord> selectLive(String ns, String key) {
    queries.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    Future<StoredRecord> read = real.selectLive(ns, key)
        .andThen(done -> answered.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());
    Promise<Void> gate = gates.remove(key);
    return gate == null ? read : read.compose(found -> gate.future().map(found));
  }

  /** SELECTs sent for {@code key}. */
  public int queries(String key) {
    AtomicInteger n = queries.get(key);
    return n == null ? 0 : n.get();
  }

  /** SELECTs for {@code key} that the database has answered (held back or not). */
  public int answered(String key) {
    AtomicInteger n = answered.get(key);
    return n == null ? 0 : n.get();
  }

  /** The next read of {@code key} will query the database, then wait for the returned promise. */
  public Promise<Void> holdNextRead(String key) {
    Promise<Void> gate = Promise.promise();
    gates.put(key, gate);
    return gate;
  }
}
