package dev.kvs;

import static dev.kvs.support.Records.conditional;
import static dev.kvs.support.Records.createdAtMs;
import static dev.kvs.support.Records.record;
import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.Await;
import dev.kvs.support.ObservedReads;
import dev.kvs.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The read cache: coalesced misses, negative entries, and no stale read after an acknowledged write. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CacheIT {
  private static final ObservedReads[] READS = new ObservedReads[1];
  private static TestService kvs;

  @BeforeAll
  static void start() {
    // A long cache TTL: whatever these tests see fresh is fresh because of invalidation, not expiry.
    kvs = TestService.start("cache", Map.of("KVS_CACHE_TTL_MS", "600000"), ObservedReads.into(READS));
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  void fiveHundredConcurrentGetsOfAColdKeyCostOneQuery() throws Exception {
    seedInDatabase("cold", "\"warm now\"");
    double coalescedBefore = coalesced();
    // The first GET's load is held open until all 500 have arrived, so all of them meet it in flight.
    Promise<Void> gate = READS[0].holdNextRead("cold");
    List<Future<HttpResponse<Buffer>>> gets = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      gets.add(kvs.http.get(TestService.path(TestService.NS, "cold")).send());
    }
    Await.until("the other 499 GETs joined the load in flight", 20_000, () -> coalesced() - coalescedBefore >= 499);
    gate.complete();
    Future.all(gets).await();
    for (Future<HttpResponse<Buffer>> get : gets) {
      assertEquals(200, get.result().statusCode());
      assertEquals(gets.get(0).result().bodyAsString(), get.result().bodyAsString(), "all get the same answer");
    }
    assertEquals(1, READS[0].queries("cold"), "one SELECT for 500 concurrent GETs");
    assertEquals(499, coalesced() - coalescedBefore, "the other 499 joined the load in flight");
  }

  private static double coalesced() {
    return kvs.registry.get("kvs.cache.coalesced").counter().count();
  }

  @Test
  void absentKeysAreCachedToo() {
    List<Future<HttpResponse<Buffer>>> gets = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      gets.add(kvs.http.get(TestService.path(TestService.NS, "nobody")).send());
    }
    Future.all(gets).await();
    gets.forEach(get -> assertEquals(404, get.result().statusCode()));
    assertEquals(404, kvs.get("nobody").statusCode());
    assertEquals(1, READS[0].queries("nobody"));
    assertEquals(200, kvs.put("nobody", write("now somebody")).statusCode());
    assertEquals("now somebody", record(kvs.get("nobody"), "nobody").getString("value"), "a write ends the negative entry");
  }

  @Test
  void everyKindOfWriteInvalidatesTheKey() {
    kvs.put("w", write(1));
    assertEquals(1, record(kvs.get("w"), "w").getInteger("value"));
    kvs.put("w", write(2));
    assertEquals(2, record(kvs.get("w"), "w").getInteger("value"), "after a write");
    long createdAt = createdAtMs(kvs.get("w"), "w");
    assertEquals(200, kvs.put("w", conditional(3, "=", createdAt)).statusCode());
    assertEquals(3, record(kvs.get("w"), "w").getInteger("value"), "after a conditional write");
    kvs.delete("w");
    assertEquals(404, kvs.get("w").statusCode(), "after a delete");
  }

  @Test
  void aSlowReadThatStraddlesAWriteNeverServesTheOldValueAfterTheWrite() {
    kvs.put("straddle", write("old"));
    Promise<Void> gate = READS[0].holdNextRead("straddle");
    // This GET's SELECT runs now, before the write, and reads "old"; its answer is held back.
    Future<HttpResponse<Buffer>> slowGet = kvs.http.get(TestService.path(TestService.NS, "straddle")).send();
    awaitAnswered("straddle", 1);

    assertEquals(200, kvs.put("straddle", write("new")).statusCode());

    // Started after the write was acknowledged: must not join or inherit the slow, older load.
    HttpResponse<Buffer> after = kvs.get("straddle");
    assertEquals("new", record(after, "straddle").getString("value"));
    assertFalse(slowGet.isComplete());

    gate.complete();
    assertEquals("old", record(slowGet.await(), "straddle").getString("value"), "the slow GET began before the write");
    assertEquals("new", record(kvs.get("straddle"), "straddle").getString("value"), "the old load did not land in the cache");
  }

  @Test
  void aCachedRecordStopsBeingServedAtItsExpiry() throws Exception {
    long expiresAt = System.currentTimeMillis() + 1_500;
    kvs.put("brief", write("short-lived").put("expiresAt", expiresAt));
    assertEquals(200, kvs.get("brief").statusCode());
    int queriesWhileLive = READS[0].queries("brief");
    assertEquals(200, kvs.get("brief").statusCode());
    assertEquals(queriesWhileLive, READS[0].queries("brief"), "before its expiry the record is served from the cache");

    // The cache TTL is ten minutes: only the record's own expired_at can end the cached entry.
    Await.until("404 once the record expired", 10_000, () -> kvs.get("brief").statusCode() == 404);
    assertTrue(System.currentTimeMillis() >= expiresAt, "not before its expiry");
  }

  @Test
  void aFailedReadIsNotCached() {
    kvs.put("flaky", write("kept"));
    // A real database error for every read: the table is briefly not where the statement looks.
    kvs.execute("ALTER TABLE kv RENAME TO kv_away");
    try {
      assertEquals(500, kvs.get("flaky").statusCode());
    } finally {
      kvs.execute("ALTER TABLE kv_away RENAME TO kv");
    }
    int queriesAfterFailure = READS[0].queries("flaky");
    assertEquals("kept", record(kvs.get("flaky"), "flaky").getString("value"), "the failure was not cached as an answer");
    assertEquals(queriesAfterFailure + 1, READS[0].queries("flaky"), "the next GET asked the database again");
  }

  private static void awaitAnswered(String key, int n) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (READS[0].answered(key) < n) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("the read of " + key + " never reached the database");
      }
      Thread.onSpinWait();
    }
  }

  private static void seedInDatabase(String key, String jsonValue) {
    try (Connection c = kvs.sql(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO kv VALUES ('test', '" + key + "', '" + jsonValue + "', NULL, now(), now() + interval '1 hour')");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
