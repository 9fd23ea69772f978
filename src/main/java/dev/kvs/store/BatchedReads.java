package dev.kvs.store;

import static dev.kvs.store.Timestamps.millis;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads of single records, shared between concurrent requests: at most {@code maxInFlight}
 * statements run at once, and the requests that arrive meanwhile go out together, in one
 * statement, as soon as one returns. An idle service therefore sends each read at once (no added
 * latency), and a busy one pays one statement, one round trip and one executor start for many
 * keys instead of one each.
 */
public final class BatchedReads implements RecordReader {
  /** One index lookup per asked key (a nested loop that cannot turn into a scan of kv). */
  static final String SELECT_LIVE_BATCH = """
      SELECT k.i, r.value, r.metadata, r.created_at, r.expired_at
      FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(ns, key, i)
      CROSS JOIN LATERAL (
        SELECT value, metadata, created_at, expired_at FROM kv
        WHERE kv.ns = k.ns AND kv.key = k.key AND kv.expired_at > now()
      ) r
      """;

  private record Waiting(String ns, String key, Promise<StoredRecord> answer, Context context) {}

  private final Pool pool;
  private final RecordReader single;
  private final int maxInFlight;
  private final int maxBatch;
  private final DistributionSummary sizes;
  private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
  private int inFlight; // guarded by this

  public BatchedReads(Pool pool, RecordReader single, int maxInFlight, int maxBatch, MeterRegistry registry) {
    this.pool = pool;
    this.single = single;
    this.maxInFlight = maxInFlight;
    this.maxBatch = maxBatch;
    this.sizes = DistributionSummary.builder("kvs.batch.reads")
        .description("Keys read per statement by the read batcher").serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128)
        .register(registry);
  }

  @Override
  public Future<StoredRecord> selectLive(String ns, String key) {
    Waiting waiting = new Waiting(ns, key, Promise.promise(), Vertx.currentContext());
    List<Waiting> batch = null;
    synchronized (this) {
      queue.add(waiting);
      if (inFlight < maxInFlight) {
        inFlight++;
        batch = take();
      }
    }
    if (batch != null) {
      send(batch);
    }
    return waiting.answer.future();
  }

  /** Up to maxBatch of the waiting requests; called holding the lock. */
  private List<Waiting> take() {
    List<Waiting> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
    while (!queue.isEmpty() && batch.size() < maxBatch) {
      batch.add(queue.poll());
    }
    return batch;
  }

  private void send(List<Waiting> batch) {
    sizes.record(batch.size());
    Future<Map<Integer, StoredRecord>> read;
    if (batch.size() == 1) {
      Waiting only = batch.get(0);
      read = single.selectLive(only.ns, only.key).map(found -> found == null ? Map.of() : Map.of(0, found));
    } else {
      String[] namespaces = new String[batch.size()];
      String[] keys = new String[batch.size()];
      for (int i = 0; i < batch.size(); i++) {
        namespaces[i] = batch.get(i).ns;
        keys[i] = batch.get(i).key;
      }
      read = pool.preparedQuery(SELECT_LIVE_BATCH)
          .execute(Tuple.tuple().addArrayOfString(namespaces).addArrayOfString(keys))
          .map(rows -> {
            Map<Integer, StoredRecord> found = new HashMap<>();
            for (Row row : rows) {
              found.put(row.getLong(0).intValue() - 1,
                  new StoredRecord(row.getString(1), row.getString(2), millis(row, 3), millis(row, 4)));
            }
            return found;
          });
    }
    read.onComplete(found -> {
      for (int i = 0; i < batch.size(); i++) {
        answer(batch.get(i), found.get(i), null);
      }
      next();
    }, failure -> {
      batch.forEach(w -> answer(w, null, failure));
      next();
    });
  }

  /** The statement returned: the next batch takes its place, or the slot is free. */
  private void next() {
    List<Waiting> batch = null;
    synchronized (this) {
      if (queue.isEmpty()) {
        inFlight--;
      } else {
        batch = take();
      }
    }
    if (batch != null) {
      send(batch);
    }
  }

  /** Completed on the caller's own event loop, as an unbatched read would be. */
  private static void answer(Waiting waiting, StoredRecord found, Throwable failure) {
    Context here = Vertx.currentContext();
    if (waiting.context == null || waiting.context == here) {
      complete(waiting, found, failure);
    } else {
      waiting.context.runOnContext(v -> complete(waiting, found, failure));
    }
  }

  private static void complete(Waiting waiting, StoredRecord found, Throwable failure) {
    if (failure != null) {
      waiting.answer.fail(failure);
    } else {
      waiting.answer.complete(found);
    }
  }
}
