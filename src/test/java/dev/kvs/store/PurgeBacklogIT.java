package dev.kvs.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.Await;
import dev.kvs.support.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backlog the planner does not know about: rows that expired after the last ANALYZE, as in any
 * real table. The purge's batch costs in proportion to the batch (checked on the plan that runs,
 * the prepared statement's generic plan), one run drains the backlog batch after batch, and the
 * lag gauge tells the truth after a failed run too.
 */
class PurgeBacklogIT {
  private static final int BATCH = 1_000;
  private static final int LIVE = 100_000;
  private static final int BACKLOG = 30_000;
  private static TestService kvs;

  @BeforeAll
  static void start() {
    kvs = TestService.start("purgebacklog", Map.of(
        "KVS_PURGE_ENABLED", "true",
        "KVS_PURGE_INTERVAL_MS", "86400000", // runs only when the test asks
        "KVS_PURGE_BATCH_SIZE", Integer.toString(BATCH)));
    kvs.execute("ALTER TABLE kv SET (autovacuum_enabled = false)"); // no ANALYZE behind the test's back
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @BeforeEach
  void seedABacklogTheStatisticsDoNotKnow() {
    kvs.execute("TRUNCATE kv");
    kvs.execute("INSERT INTO kv SELECT 'test', 'live-' || i, '1', NULL, now(), now() + interval '1 day'"
        + " FROM generate_series(1, " + LIVE + ") i");
    kvs.execute("INSERT INTO kv SELECT 'test', 'lapsing-' || i, '2', NULL, now() - interval '1 hour',"
        + " now() + interval '1 second' + i * interval '1 microsecond' FROM generate_series(1, " + BACKLOG + ") i");
    kvs.execute("ANALYZE kv"); // as far as the planner knows, nothing has expired
    Await.until("the backlog expired", 15_000, () -> kvs.count("expired_at <= now()") == BACKLOG);
  }

  @Test
  void theBatchPlanTouchesRowsInProportionToTheBatchNotTheBacklog() throws Exception {
    JsonObject plan = explainGenericPlan(SqlStatements.deleteExpiredBatch(BATCH, 11_000));
    List<JsonObject> nodes = new ArrayList<>();
    collect(plan, nodes);
    for (JsonObject node : nodes) {
      long touched = node.getLong("Actual Rows", 0L) * node.getLong("Actual Loops", 1L)
          + node.getLong("Rows Removed by Filter", 0L) + node.getLong("Rows Removed by Index Recheck", 0L);
      assertTrue(touched <= 2L * BATCH, node.getString("Node Type") + " touched " + touched + " rows: " + plan.encodePrettily());
    }
    assertTrue(nodes.stream().anyMatch(n -> "Tid Scan".equals(n.getString("Node Type"))
        && "kv".equals(n.getString("Relation Name"))), "rows are deleted by TID: " + plan.encodePrettily());
  }

  @Test
  void oneRunDrainsTheWholeBacklogBatchAfterBatch() {
    double batchesBefore = kvs.registry.get("kvs.purge.batches").counter().count();
    assertEquals(BACKLOG, kvs.app.purge().runOnce().await());
    assertTrue(kvs.registry.get("kvs.purge.batches").counter().count() - batchesBefore >= BACKLOG / BATCH);
    assertEquals(0, kvs.count("expired_at <= now()"));
    assertEquals(LIVE, kvs.count("expired_at > now()"), "live rows untouched");
    assertEquals(0.0, lagSeconds(), "nothing waits for the purge");
  }

  @Test
  void theLagKeepsTellingTheTruthWhenARunFails() throws Exception {
    try (AutoCloseable refusePurge = kvs.trigger("refuse_purge", "DELETE", "RAISE EXCEPTION 'purge refused';")) {
      assertThrows(RuntimeException.class, () -> kvs.app.purge().runOnce().await());
      double oldestWaitingS = oldestExpiredAgeSeconds();
      assertTrue(lagSeconds() >= oldestWaitingS - 1 && lagSeconds() > 0,
          "lag " + lagSeconds() + " s while the oldest expired row waits " + oldestWaitingS + " s");
    }
    assertEquals(BACKLOG, kvs.app.purge().runOnce().await());
    assertEquals(0.0, lagSeconds());
  }

  private static double lagSeconds() {
    return kvs.registry.get("kvs.purge.lag").gauge().value();
  }

  private static double oldestExpiredAgeSeconds() throws Exception {
    try (Connection c = kvs.sql(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT extract(epoch FROM now() - min(expired_at)) FROM kv WHERE expired_at <= now()")) {
      rs.next();
      return rs.getDouble(1);
    }
  }

  /** EXPLAIN ANALYZE of the statement as the service runs it: prepared, generic plan; rolled back. */
  private static JsonObject explainGenericPlan(String sql) throws Exception {
    try (Connection c = kvs.sql(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("SET LOCAL plan_cache_mode = force_generic_plan");
      s.execute("PREPARE purge_batch AS " + sql);
      try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE purge_batch")) {
        rs.next();
        JsonObject plan = new JsonArray(rs.getString(1)).getJsonObject(0).getJsonObject("Plan");
        c.rollback();
        return plan;
      }
    }
  }

  private static void collect(JsonObject node, List<JsonObject> into) {
    into.add(node);
    JsonArray children = node.getJsonArray("Plans");
    if (children != null) {
      for (int i = 0; i < children.size(); i++) {
        collect(children.getJsonObject(i), into);
      }
    }
  }
}
