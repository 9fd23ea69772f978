package dev.kvs.store;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.util.List;

/**
 * Reads of single records, shared between concurrent requests ({@link StatementBatcher}): while
 * every pooled connection is busy, the GETs that arrive meanwhile go out as one statement, one
 * index lookup per key. A read statement that fails fails all its requests (the database is gone;
 * retrying each would only multiply the load on it).
 */
public final class BatchedReads implements RecordReader {
  private final StatementBatcher<RecordId, StoredRecord> batcher;

  public BatchedReads(PgStore store, int maxInFlight, int maxBatch, MeterRegistry registry) {
    DistributionSummary sizes = DistributionSummary.builder("kvs.batch.reads")
        .description("Keys read per statement by the read batcher").serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128)
        .register(registry);
    batcher = new StatementBatcher<>(new StatementBatcher.Statements<>() {
      @Override
      public Future<StoredRecord> alone(RecordId id) {
        return store.selectLive(id.ns(), id.key());
      }

      @Override
      public Future<List<StoredRecord>> shared(List<RecordId> ids) {
        return store.selectLiveRows(ids);
      }
    }, null, failure -> false, maxInFlight, maxBatch, sizes);
  }

  @Override
  public Future<StoredRecord> selectLive(String ns, String key) {
    return batcher.submit(new RecordId(ns, key));
  }
}
