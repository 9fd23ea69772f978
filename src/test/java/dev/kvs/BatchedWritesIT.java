package dev.kvs;

import static dev.kvs.support.Records.createdAtMs;
import static dev.kvs.support.Records.errorCode;
import static dev.kvs.support.Records.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.json.IsoTime;
import dev.kvs.support.Await;
import dev.kvs.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Concurrent unconditional PUTs of different keys share one statement (one pooled connection, so
 * all but the first wait and go out together), and each request still gets its own answer. The
 * change log's transaction ids show which writes shared a statement: one statement, one txid.
 */
class BatchedWritesIT {
  private static TestService kvs;

  @BeforeAll
  static void start() {
    kvs = TestService.start("batched_writes", Map.of("KVS_DB_POOL_SIZE", "1", "KVS_CACHE_ENABLED", "false",
        "KVS_BATCH_MAX_KEYS", "16", "KVS_DB_LOCK_TIMEOUT_MS", "300"));
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  void concurrentWritesShareStatementsAndEachGetsItsOwnAnswer() throws Exception {
    List<Future<HttpResponse<Buffer>>> puts = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      puts.add(put("shared" + i, new JsonObject().put("i", i)));
    }
    Future.join(puts).await();
    Map<String, Long> acknowledged = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      HttpResponse<Buffer> put = puts.get(i).result();
      assertEquals(200, put.statusCode(), "shared" + i + ": " + put.bodyAsString());
      assertEquals(i, record(put, "shared" + i).getJsonObject("value").getInteger("i"), "this request's own record");
      acknowledged.put("shared" + i, createdAtMs(put, "shared" + i));
    }
    for (int i = 0; i < 300; i += 37) {
      HttpResponse<Buffer> stored = kvs.get("shared" + i);
      assertEquals(i, record(stored, "shared" + i).getJsonObject("value").getInteger("i"));
      assertEquals(acknowledged.get("shared" + i), createdAtMs(stored, "shared" + i), "created_at answered is the one stored");
    }
    assertEquals(300, kvs.count("key LIKE 'shared%'"));
    assertTrue(largestStatement("shared%") > 1, "no two writes ever shared a statement");
    assertTrue(largestStatement("shared%") <= 16, "a statement over KVS_BATCH_MAX_KEYS");
    assertEquals(300, loggedWrites("shared%"), "each write logged once, in its statement");
  }

  @Test
  void writesOfOneKeyAreNeverInOneStatementAndTheLastAcknowledgedWins() throws Exception {
    List<Future<HttpResponse<Buffer>>> same = new ArrayList<>();
    List<Future<HttpResponse<Buffer>>> others = new ArrayList<>();
    for (int i = 0; i < 20; i++) { // enough other writes to fill every statement beside one 'same'
      same.add(put("same", new JsonObject().put("i", i)));
      for (int j = 0; j < 15; j++) {
        others.add(put("beside" + i + "_" + j, new JsonObject().put("j", j)));
      }
    }
    Future.join(same).await();
    Future.join(others).await();
    long latest = -1;
    int latestValue = -1;
    for (Future<HttpResponse<Buffer>> put : same) {
      assertEquals(200, put.result().statusCode(), put.result().bodyAsString());
      if (createdAtMs(put.result(), "same") > latest) {
        latest = createdAtMs(put.result(), "same");
        latestValue = record(put.result(), "same").getJsonObject("value").getInteger("i");
      }
    }
    HttpResponse<Buffer> stored = kvs.get("same");
    assertEquals(latest, createdAtMs(stored, "same"), "the stored record is the latest acknowledged one");
    assertEquals(latestValue, record(stored, "same").getJsonObject("value").getInteger("i"));
    try (Connection c = kvs.sql(); Statement s = c.createStatement()) {
      ResultSet twice = s.executeQuery(
          "SELECT count(*) FROM (SELECT txid FROM kv_changes WHERE key = 'same' GROUP BY txid HAVING count(*) > 1) t");
      twice.next();
      assertEquals(0, twice.getInt(1), "two writes of one key went out in one statement");
      ResultSet shared = s.executeQuery("""
          SELECT count(DISTINCT c.txid) FROM kv_changes c
          WHERE c.key = 'same' AND EXISTS (SELECT 1 FROM kv_changes o WHERE o.txid = c.txid AND o.key LIKE 'beside%')
          """);
      shared.next();
      assertTrue(shared.getInt(1) >= 10,
          "writes of 'same' went out in shared statements beside other keys (not failed and retried alone): "
              + shared.getInt(1) + " of 20");
    }
  }

  @Test
  void conditionalWritesShareStatementsAndEachGetsItsOwnOutcome() throws Exception {
    Map<String, Long> seededAt = new HashMap<>();
    for (int i = 0; i < 120; i++) {
      HttpResponse<Buffer> seeded = kvs.put("cond" + i, new JsonObject().put("value", "seed" + i));
      seededAt.put("cond" + i, createdAtMs(seeded, "cond" + i));
    }
    List<Future<HttpResponse<Buffer>>> writes = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      long at = seededAt.get("cond" + i);
      JsonObject body = new JsonObject().put("value", "new" + i);
      switch (i % 4) {
        case 0 -> body.put("operator", "=").put("unixtimeMs", at); // holds
        case 1 -> body.put("operator", "=").put("unixtimeMs", at - 1); // fails
        case 2 -> body.put("operator", ">").put("unixtimeMs", at); // fails
        default -> body.put("operator", "<=").put("unixtimeMs", at + 5); // holds
      }
      writes.add(kvs.http.put(TestService.path(TestService.NS, "cond" + i)).sendJsonObject(body));
      writes.add(kvs.http.put(TestService.path(TestService.NS, "condnew" + i))
          .sendJsonObject(new JsonObject().put("value", "fresh" + i).put("operator", "=").put("unixtimeMs", 1)));
    }
    Future.join(writes).await();
    for (int i = 0; i < 120; i++) {
      HttpResponse<Buffer> answer = writes.get(2 * i).result();
      HttpResponse<Buffer> stored = kvs.get("cond" + i);
      if (i % 4 == 0 || i % 4 == 3) {
        assertEquals(200, answer.statusCode(), "cond" + i + ": " + answer.bodyAsString());
        assertEquals("new" + i, record(answer, "cond" + i).getString("value"));
        assertEquals(createdAtMs(answer, "cond" + i), createdAtMs(stored, "cond" + i));
        assertEquals("new" + i, record(stored, "cond" + i).getString("value"));
      } else {
        assertEquals(404, answer.statusCode(), "cond" + i + ": " + answer.bodyAsString());
        JsonObject current = answer.bodyAsJsonObject().getJsonObject("current").getJsonObject("cond" + i);
        assertEquals("seed" + i, current.getString("value"), "the refusal carries this key's live record");
        assertEquals(seededAt.get("cond" + i), IsoTime.parse(current.getString("created_at")));
        assertEquals("seed" + i, record(stored, "cond" + i).getString("value"), "a refused write changes nothing");
      }
      HttpResponse<Buffer> fresh = writes.get(2 * i + 1).result();
      assertEquals(200, fresh.statusCode(), "no live record: the condition does not apply; " + fresh.bodyAsString());
      assertEquals("fresh" + i, record(kvs.get("condnew" + i), "condnew" + i).getString("value"));
    }
    assertTrue(largestStatement("cond%") > 1, "no two conditional writes ever shared a statement");
    assertEquals(120 + 60 + 120, loggedWrites("cond%"), "seeds, writes whose condition held, fresh keys: logged once each");
  }

  @Test
  void concurrentDeletesShareStatementsAndLogOnlyTheRecordsThatLived() throws Exception {
    List<Future<HttpResponse<Buffer>>> seeded = new ArrayList<>();
    for (int i = 0; i < 200; i += 2) { // even keys exist, odd ones do not
      seeded.add(put("gone" + i, new JsonObject().put("i", i)));
    }
    Future.join(seeded).await();
    List<Future<HttpResponse<Buffer>>> deletes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      deletes.add(kvs.http.delete(TestService.path(TestService.NS, "gone" + i)).send());
    }
    Future.join(deletes).await();
    for (Future<HttpResponse<Buffer>> delete : deletes) {
      assertEquals(200, delete.result().statusCode(), delete.result().bodyAsString());
    }
    assertEquals(0, kvs.count("key LIKE 'gone%' AND expired_at > now()"), "every record deleted");
    try (Connection c = kvs.sql(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*), count(DISTINCT key), count(*) FILTER (WHERE right(key, 1) IN "
            + "('1', '3', '5', '7', '9')), max(n) FROM (SELECT key, count(*) OVER (PARTITION BY txid) n "
            + "FROM kv_changes WHERE op = 'delete' AND key LIKE 'gone%') d")) {
      r.next();
      assertEquals(100, r.getInt(1), "one delete logged per record that lived");
      assertEquals(100, r.getInt(2));
      assertEquals(0, r.getInt(3), "no delete logged for a key that never existed");
      assertTrue(r.getInt(4) > 1, "no two deletes ever shared a statement");
    }
  }

  @Test
  void aHeldRowFailsOnlyTheRequestsOnThatRow() throws Exception {
    assertEquals(200, kvs.put("held", new JsonObject().put("value", "before")).statusCode());
    try (Connection holder = kvs.sql()) {
      holder.setAutoCommit(false);
      try (Statement s = holder.createStatement()) {
        s.execute("SELECT 1 FROM kv WHERE ns = '" + TestService.NS + "' AND key = 'held' FOR UPDATE");
        List<Future<HttpResponse<Buffer>>> free = new ArrayList<>();
        List<Future<HttpResponse<Buffer>>> held = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
          free.add(put("free" + i, new JsonObject().put("i", i)));
          if (i == 3) {
            held.add(put("held", new JsonObject().put("i", "after")));
          }
          if (i == 12) {
            held.add(kvs.http.put(TestService.path(TestService.NS, "held")).sendJsonObject(
                new JsonObject().put("value", "cas").put("operator", ">").put("unixtimeMs", 1)));
          }
          if (i == 20) {
            held.add(kvs.http.delete(TestService.path(TestService.NS, "held")).send());
          }
        }
        Future.join(free).await();
        Future.join(held).await();
        for (Future<HttpResponse<Buffer>> request : held) {
          assertEquals(409, request.result().statusCode(), "the held row's write, conditional write and delete: "
              + request.result().bodyAsString());
          assertEquals("conflict", errorCode(request.result()));
        }
        for (Future<HttpResponse<Buffer>> request : free) {
          assertEquals(200, request.result().statusCode(), "a write beside the held row: " + request.result().bodyAsString());
        }
      }
      holder.rollback();
    }
    assertEquals("before", kvs.get("held").bodyAsJsonObject().getJsonObject("held").getString("value"));
    assertEquals(30, kvs.count("key LIKE 'free%'"));
  }

  @Test
  void connectionsKilledMidBatchLoseNoAcknowledgedWrite() throws Exception {
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger killed = new AtomicInteger();
    Thread killer = new Thread(() -> {
      try (Connection c = kvs.sql(); Statement s = c.createStatement()) {
        while (writing.get()) {
          try (ResultSet ended = s.executeQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))"
              + " FROM pg_stat_activity WHERE datname = current_database()"
              + " AND pid <> pg_backend_pid() AND application_name NOT IN ('kvs-listen', 'kvs-feed')")) {
            ended.next();
            killed.addAndGet(ended.getInt(1));
          }
          Thread.sleep(15);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    killer.start();
    List<Future<HttpResponse<Buffer>>> puts = new ArrayList<>();
    try {
      for (int round = 0; round < 8; round++) {
        List<Future<HttpResponse<Buffer>>> wave = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          wave.add(put("killed" + (round * 100 + i), new JsonObject().put("i", round * 100 + i)));
        }
        Future.join(wave).await();
        puts.addAll(wave);
      }
    } finally {
      writing.set(false);
      killer.join();
    }
    int acknowledged = 0;
    for (int n = 0; n < puts.size(); n++) {
      HttpResponse<Buffer> answer = puts.get(n).result();
      assertTrue(answer.statusCode() == 200 || answer.statusCode() == 503, answer.statusCode() + " " + answer.bodyAsString());
      if (answer.statusCode() == 200) {
        acknowledged++;
        HttpResponse<Buffer> stored = kvs.get("killed" + n);
        assertEquals(200, stored.statusCode(), "acknowledged write killed" + n + " is gone");
        assertEquals(createdAtMs(answer, "killed" + n), createdAtMs(stored, "killed" + n));
      }
    }
    assertTrue(acknowledged > 0, "no write got through at all: the test proved nothing");
    assertTrue(killed.get() > 0, "no connection was killed while writing: the test proved nothing");
  }

  @Test
  void requestsWaitForAFreeSlotOfKvsBatchMaxInFlightNotForAFreeConnection() throws Exception {
    try (TestService bounded = TestService.start("bounded_writes", Map.of("KVS_DB_POOL_SIZE", "4",
        "KVS_BATCH_MAX_IN_FLIGHT", "1", "KVS_CACHE_ENABLED", "false", "KVS_DB_LOCK_TIMEOUT_MS", "10000"))) {
      String ns = TestService.NS;
      assertEquals(200, bounded.http.put(TestService.path(ns, "blocker"))
          .sendJsonObject(new JsonObject().put("value", 0)).await().statusCode());
      Future<HttpResponse<Buffer>> blocked;
      List<Future<HttpResponse<Buffer>>> queued = new ArrayList<>();
      try (Connection holder = bounded.sql()) {
        holder.setAutoCommit(false);
        try (Statement s = holder.createStatement()) {
          s.execute("SELECT 1 FROM kv WHERE ns = '" + ns + "' AND key = 'blocker' FOR UPDATE");
        }
        // The one statement allowed in flight waits for the row lock; three connections stay free.
        blocked = bounded.http.put(TestService.path(ns, "blocker")).sendJsonObject(new JsonObject().put("value", 1));
        Await.until("the blocker's statement waits for the lock", 5_000, () -> bounded.rows("pg_stat_activity",
            "datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO kv%'") == 1);
        for (int i = 0; i < 5; i++) {
          queued.add(bounded.http.put(TestService.path(ns, "queued" + i)).sendJsonObject(new JsonObject().put("value", i)));
        }
        Await.until("all six PUTs reached the service", 5_000, () -> bounded.registry
            .get("vertx.http.server.active.requests").tag("method", "PUT").gauge().value() == 6);
        holder.commit();
      }
      assertEquals(200, blocked.await().statusCode());
      Future.join(queued).await();
      queued.forEach(r -> assertEquals(200, r.result().statusCode(), r.result().bodyAsString()));
      try (Connection c = bounded.sql(); Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT count(*), count(DISTINCT txid) FROM kv_changes WHERE key LIKE 'queued%'")) {
        r.next();
        assertEquals(5, r.getInt(1));
        assertEquals(1, r.getInt(2), "the five waited for the one slot and went out together, though connections were free");
      }
    }
  }

  @Test
  void withBatchingOffEveryRequestHasAStatementOfItsOwn() throws Exception {
    try (TestService unbatched = TestService.start("unbatched_writes", Map.of("KVS_DB_POOL_SIZE", "1",
        "KVS_CACHE_ENABLED", "false", "KVS_BATCH_ENABLED", "false"))) {
      List<Future<HttpResponse<Buffer>>> requests = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        String path = TestService.path(TestService.NS, "alone" + i);
        requests.add(unbatched.http.put(path).sendJsonObject(new JsonObject().put("value", i)));
        requests.add(unbatched.http.put(path)
            .sendJsonObject(new JsonObject().put("value", -i).put("operator", ">").put("unixtimeMs", 1)));
      }
      Future.join(requests).await();
      requests.forEach(r -> assertEquals(200, r.result().statusCode(), r.result().bodyAsString()));
      try (Connection c = unbatched.sql(); Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT count(*), count(DISTINCT txid) FROM kv_changes WHERE key LIKE 'alone%'")) {
        r.next();
        assertEquals(120, r.getInt(1));
        assertEquals(120, r.getInt(2), "KVS_BATCH_ENABLED=false: no two requests share a statement");
      }
      assertEquals(null, unbatched.registry.find("kvs.batch.writes").summary(), "no write batcher at all");
    }
  }

  private static Future<HttpResponse<Buffer>> put(String key, JsonObject value) {
    return kvs.http.put(TestService.path(TestService.NS, key)).sendJsonObject(new JsonObject().put("value", value));
  }

  private static int largestStatement(String keys) throws Exception {
    try (Connection c = kvs.sql(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT max(n) FROM (SELECT count(*) n FROM kv_changes WHERE key LIKE '" + keys
            + "' GROUP BY txid) t")) {
      r.next();
      return r.getInt(1);
    }
  }

  private static int loggedWrites(String keys) throws Exception {
    try (Connection c = kvs.sql(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM kv_changes WHERE op = 'write' AND key LIKE '" + keys + "'")) {
      r.next();
      return r.getInt(1);
    }
  }
}
