package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.Await;
import dev.kvs.support.BusCalls;
import dev.kvs.support.BusCalls.Answer;
import dev.kvs.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The change feed: two standalone replicas on one database, each publishing on its own bus. A
 * consumer on replica B sees every change made through replica A, once each, in commit order; a
 * consumer that was away catches up from its last cursor with nothing missed; the purge's expiries
 * are published; the retention trim turns an old cursor into a 410.
 */
class ChangeFeedIT {
  private static TestService a;
  private static TestService b;

  @BeforeAll
  static void start() {
    a = TestService.start("feed", Map.of());
    b = a.replica(Map.of());
    Await.until("each replica publishes its own bus's feed", 10_000,
        () -> a.app.feed().leading() && b.app.feed().leading());
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
  }

  @Test
  void changesThroughReplicaAReachConsumersOfBothReplicasOnceEachInCommitOrder() throws Exception {
    List<JsonObject> onB = follow(b.vertx, "f1");
    List<JsonObject> onA = follow(a.vertx, "f1");

    JsonObject first = record(put(a, "f1", "k1", new JsonObject().put("value", 1)), "k1");
    put(a, "f1", "k2", new JsonObject().put("value", 2));
    JsonObject second = record(put(a, "f1", "k1", new JsonObject().put("value", 3).put("operator", "=")
        .put("unixtimeMs", java.time.Instant.parse(first.getString("created_at")).toEpochMilli())), "k1");
    assertEquals(404, a.http.put("/v1/ns/f1/kv/k1").sendJsonObject(new JsonObject().put("value", 4)
        .put("operator", "<").put("unixtimeMs", 1)).await().statusCode(), "a refused condition changes nothing");
    assertEquals(200, a.http.delete("/v1/ns/f1/kv/k2").send().await().statusCode());
    assertEquals(200, a.http.delete("/v1/ns/f1/kv/never").send().await().statusCode(), "deleting nothing changes nothing");
    assertEquals(200, a.http.post("/v1/ns/f1/bulk/write").sendJsonObject(new JsonObject().put("items", new JsonArray()
        .add(new JsonObject().put("key", "k3").put("value", 3)).add(new JsonObject().put("key", "k4").put("value", 4))))
        .await().statusCode());
    assertEquals(200, a.http.post("/v1/ns/f1/bulk/delete").sendJsonObject(new JsonObject().put("keys",
        new JsonArray().add("k3").add("never"))).await().statusCode());

    List<String> expected = List.of("write k1", "write k2", "write k1", "delete k2", "write k3", "write k4", "delete k3");
    for (List<JsonObject> seen : List.of(onB, onA)) {
      Await.until("7 changes on the feed", 10_000, () -> seen.size() >= expected.size());
    }
    Thread.sleep(500); // a repeat would arrive within this
    assertEquals(expected, opsAndKeys(onB), "replica B's consumer: every change once, in commit order");
    assertEquals(expected, opsAndKeys(onA), "replica A's consumer too");
    assertEquals(second.getString("created_at"), onB.get(2).getString("created_at"), "a write's message carries its created_at");
    assertEquals(second.getString("expired_at"), onB.get(2).getString("expired_at"));
    assertTrue(increasing(onB), "cursors increase along the feed: " + onB);
  }

  @Test
  void aConsumerThatWasAwayCatchesUpFromItsLastCursorWithNothingMissed() {
    List<JsonObject> live = Collections.synchronizedList(new ArrayList<>());
    MessageConsumer<JsonObject> consumer = b.vertx.eventBus().consumer("kvs.changes.f2", m -> live.add(m.body()));
    consumer.completion().await();
    put(a, "f2", "x1", new JsonObject().put("value", 1));
    Await.until("the first change", 10_000, () -> live.size() == 1);
    String lastSeen = live.get(0).getString("cursor");
    consumer.unregister().await();

    // Away: these are published while nobody listens.
    put(a, "f2", "x2", new JsonObject().put("value", 2));
    put(b, "f2", "x3", new JsonObject().put("value", 3));
    assertEquals(200, a.http.delete("/v1/ns/f2/kv/x1").send().await().statusCode());

    List<String> missed = new ArrayList<>();
    String cursor = lastSeen;
    boolean complete = false;
    while (!complete) { // a page at a time, to show the paging too
      Answer page = BusCalls.request(b.vertx, "kvs.changesSince", new JsonObject().put("ns", "f2").put("cursor", cursor).put("limit", 1));
      assertEquals(200, page.status(), page.body().encode());
      page.body().getJsonArray("changes").forEach(c -> missed.add(((JsonObject) c).getString("op") + " " + ((JsonObject) c).getString("key")));
      cursor = page.body().getString("cursor");
      complete = page.body().getBoolean("list_complete");
      assertTrue(missed.size() <= 3, "no more than what was missed: " + missed);
    }
    assertEquals(List.of("write x2", "write x3", "delete x1"), missed);

    HttpResponse<Buffer> fromStart = a.http.get("/v1/ns/f2/changes").send().await();
    assertEquals(200, fromStart.statusCode());
    assertEquals(4, fromStart.bodyAsJsonObject().getJsonArray("changes").size(), "without a cursor: all that is kept");

    put(a, "f2", "x4", new JsonObject().put("value", 4));
    String resumed = cursor;
    Await.until("the next change after the caught-up cursor", 10_000, () -> BusCalls.request(b.vertx, "kvs.changesSince",
        new JsonObject().put("ns", "f2").put("cursor", resumed)).body().getJsonArray("changes").size() == 1);
  }

  @Test
  void thePurgePublishesAnExpiryButNotTheRemovalOfADeletedRecord() throws Exception {
    List<JsonObject> seen = follow(b.vertx, "f3");
    a.execute("INSERT INTO kv (ns, key, value, created_at, expired_at) VALUES"
        + " ('f3', 'gone', '1', now() - interval '2 hours', now() - interval '1 hour')");
    a.execute("INSERT INTO kv (ns, key, value, created_at, expired_at, deleted) VALUES"
        + " ('f3', 'tombstone', '1', now() - interval '2 hours', now() - interval '1 hour', true)");
    Await.until("a purge run that removed both rows", 10_000, () -> {
      Integer purged = a.app.purge().runOnce().await();
      return purged != null && purged >= 0 && a.count("ns = 'f3'") == 0;
    });
    Await.until("the expiry on the feed", 10_000, () -> seen.size() >= 1);
    Thread.sleep(500);
    assertEquals(List.of("expire gone"), opsAndKeys(seen));
  }

  @Test
  void aCursorOlderThanTheRetentionIs410AndANewerOneStillReads() {
    String before = BusCalls.request(a.vertx, "kvs.changesSince", new JsonObject().put("ns", "f4")).body().getString("cursor");
    put(a, "f4", "y1", new JsonObject().put("value", 1));
    JsonArray changes = BusCalls.request(a.vertx, "kvs.changesSince", new JsonObject().put("ns", "f4").put("cursor", before))
        .body().getJsonArray("changes");
    assertEquals(1, changes.size());
    String y1 = changes.getJsonObject(0).getString("cursor");
    put(a, "f4", "y2", new JsonObject().put("value", 2));
    String[] at = y1.split("-");
    // Everything logged up to y1 is past the retention (60 minutes by default); y2 is not.
    a.execute("UPDATE kv_changes SET logged_at = now() - interval '2 hours' WHERE (txid, seq) <= ('" + at[0] + "'::xid8, " + at[1] + ")");
    Await.until("the trim dropped y1", 10_000, () -> {
      a.app.purge().runOnce().await();
      return a.count("ns = 'f4'") == 2 && a.rows("kv_changes", "ns = 'f4'") == 1;
    });

    Answer expired = BusCalls.request(a.vertx, "kvs.changesSince", new JsonObject().put("ns", "f4").put("cursor", before));
    assertEquals(410, expired.status());
    assertEquals("cursor_expired", expired.body().getJsonObject("error").getString("code"));
    assertEquals(410, a.http.get("/v1/ns/f4/changes?cursor=" + before).send().await().statusCode(), "HTTP says the same");
    JsonArray after = BusCalls.request(a.vertx, "kvs.changesSince", new JsonObject().put("ns", "f4").put("cursor", y1))
        .body().getJsonArray("changes");
    assertEquals(List.of("y2"), after.stream().map(c -> ((JsonObject) c).getString("key")).toList());
    assertFalse(BusCalls.request(a.vertx, "kvs.changesSince", new JsonObject().put("ns", "f4")).body()
        .getJsonArray("changes").isEmpty(), "from the oldest kept: y2");
  }

  @Test
  void pagesFollowTransactionIdsInNumberOrderAcrossADigit() {
    // Two settled changes logged by transactions 9 and 10: as text, "10" sorts first.
    a.execute("INSERT INTO kv_changes (txid, ns, key, op, created_at, expired_at) VALUES"
        + " ('9', 'f5', 'nine', 'write', now(), now() + interval '1 hour'),"
        + " ('10', 'f5', 'ten', 'write', now(), now() + interval '1 hour')");
    List<String> keys = new ArrayList<>();
    String cursor = "0-0";
    for (int page = 0; page < 3; page++) {
      JsonObject body = BusCalls.request(a.vertx, "kvs.changesSince", new JsonObject().put("ns", "f5")
          .put("cursor", cursor).put("limit", 1)).body();
      body.getJsonArray("changes").forEach(c -> keys.add(((JsonObject) c).getString("key")));
      cursor = body.getString("cursor");
    }
    assertEquals(List.of("nine", "ten"), keys, "page by page, in log order, nothing skipped");
  }

  private static List<JsonObject> follow(Vertx vertx, String ns) {
    List<JsonObject> seen = Collections.synchronizedList(new ArrayList<>());
    vertx.eventBus().<JsonObject>consumer("kvs.changes." + ns, m -> seen.add(m.body())).completion().await();
    return seen;
  }

  private static HttpResponse<Buffer> put(TestService via, String ns, String key, JsonObject body) {
    HttpResponse<Buffer> put = via.http.put("/v1/ns/" + ns + "/kv/" + key).sendJsonObject(body).await();
    assertEquals(200, put.statusCode(), put.bodyAsString());
    return put;
  }

  private static JsonObject record(HttpResponse<Buffer> response, String key) {
    return response.bodyAsJsonObject().getJsonObject(key);
  }

  private static List<String> opsAndKeys(List<JsonObject> messages) {
    synchronized (messages) {
      return messages.stream().map(m -> m.getString("op") + " " + m.getString("key")).toList();
    }
  }

  private static boolean increasing(List<JsonObject> messages) {
    synchronized (messages) {
      for (int i = 1; i < messages.size(); i++) {
        String[] p = messages.get(i - 1).getString("cursor").split("-");
        String[] q = messages.get(i).getString("cursor").split("-");
        int byTxid = Long.compare(Long.parseLong(p[0]), Long.parseLong(q[0]));
        if (byTxid > 0 || byTxid == 0 && Long.parseLong(p[1]) >= Long.parseLong(q[1])) {
          return false;
        }
      }
      return true;
    }
  }
}
