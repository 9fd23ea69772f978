package dev.kvs.store;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.util.List;

/**
 * Writes, conditional writes and deletes of single records, shared between concurrent requests
 * ({@link StatementBatcher}): while every pooled connection is busy, the requests of each kind that
 * arrive meanwhile go out as one statement: one commit and one WAL flush for many.
 * Two requests on one record are never in one statement, so a record's changes keep their order.
 * A shared statement the database refuses (a row held past the lock timeout, a deadlock, a bad
 * value) is retried request by request, so one held row cannot fail the requests for other records.
 */
public final class BatchedWrites implements RecordWriter {
  private record Write(String ns, NewRecord record) {
    RecordId id() {
      return new RecordId(ns, record.key());
    }
  }

  private final StatementBatcher<Write, StoredRecord> upserts;
  private final StatementBatcher<ConditionalWrite, ConditionalOutcome> conditionalUpserts;
  private final StatementBatcher<RecordId, Integer> deletes;

  public BatchedWrites(PgStore store, int maxInFlight, int maxBatch, MeterRegistry registry) {
    upserts = new StatementBatcher<>(new StatementBatcher.Statements<>() {
      @Override
      public Future<StoredRecord> alone(Write w) {
        NewRecord r = w.record;
        return store.upsert(w.ns, r.key(), r.value(), r.metadata(), r.expiry());
      }

      @Override
      public Future<List<StoredRecord>> shared(List<Write> writes) {
        return store.upsertRows(writes.stream().map(Write::ns).toList(), writes.stream().map(Write::record).toList());
      }
    }, Write::id, StatementBatcher::refusedByTheDatabase, maxInFlight, maxBatch,
        sizes(registry, "kvs.batch.writes", "Records written"));
    conditionalUpserts = new StatementBatcher<>(new StatementBatcher.Statements<>() {
      @Override
      public Future<ConditionalOutcome> alone(ConditionalWrite w) {
        NewRecord r = w.record();
        return store.upsertIf(w.ns(), r.key(), r.value(), r.metadata(), r.expiry(), w.op(), w.unixtimeMs());
      }

      @Override
      public Future<List<ConditionalOutcome>> shared(List<ConditionalWrite> writes) {
        return store.upsertRowsIf(writes);
      }
    }, ConditionalWrite::id, StatementBatcher::refusedByTheDatabase, maxInFlight, maxBatch,
        sizes(registry, "kvs.batch.conditional.writes", "Conditional writes"));
    deletes = new StatementBatcher<>(new StatementBatcher.Statements<>() {
      @Override
      public Future<Integer> alone(RecordId id) {
        return store.delete(id.ns(), id.key());
      }

      @Override
      public Future<List<Integer>> shared(List<RecordId> ids) {
        return store.deleteRows(ids);
      }
    }, id -> id, StatementBatcher::refusedByTheDatabase, maxInFlight, maxBatch,
        sizes(registry, "kvs.batch.deletes", "Records deleted"));
  }

  private static DistributionSummary sizes(MeterRegistry registry, String name, String what) {
    return DistributionSummary.builder(name)
        .description(what + " per statement by the write batcher")
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128)
        .register(registry);
  }

  @Override
  public Future<StoredRecord> upsert(String ns, String key, String value, String metadata, Expiry expiry) {
    return upserts.submit(new Write(ns, new NewRecord(key, value, metadata, expiry)));
  }

  @Override
  public Future<ConditionalOutcome> upsertIf(String ns, String key, String value, String metadata, Expiry expiry,
      Operator op, long unixtimeMs) {
    return conditionalUpserts.submit(new ConditionalWrite(ns, new NewRecord(key, value, metadata, expiry), op, unixtimeMs));
  }

  @Override
  public Future<Integer> delete(String ns, String key) {
    return deletes.submit(new RecordId(ns, key));
  }
}
