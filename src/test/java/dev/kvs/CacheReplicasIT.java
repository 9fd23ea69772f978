package dev.kvs;

import static dev.kvs.support.Records.record;
import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.TestService;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two replicas on one database: B's cache learns of A's writes through NOTIFY, or at worst through its TTL. */
class CacheReplicasIT {
  private static final long CACHE_TTL_MS = 3_000;
  private static TestService a;
  private static TestService b;

  @BeforeAll
  static void start() {
    Map<String, String> env = Map.of("KVS_CACHE_TTL_MS", Long.toString(CACHE_TTL_MS));
    a = TestService.start("replicas", env);
    b = a.replica(env);
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
  }

  @Test
  void aWriteThroughAReachesBsCacheByNotificationLongBeforeTheTtl() throws Exception {
    long worst = 0;
    for (int round = 0; round < 20; round++) {
      String key = "shared-" + round;
      a.put(key, write("v1"));
      assertEquals("v1", value(b, key)); // now cached in B
      assertEquals("v1", value(b, key));

      a.put(key, write("v2"));
      long acknowledged = System.nanoTime();
      awaitTrue(() -> "v2".equals(value(b, key)), CACHE_TTL_MS / 2, "B still serves v1 half a TTL after A's write");
      worst = Math.max(worst, (System.nanoTime() - acknowledged) / 1_000_000);
    }
    System.out.println("replica staleness after an acknowledged write, worst of 20: " + worst + " ms");
    assertTrue(b.registry.get("kvs.cache.invalidations").tag("source", "remote").counter().count() >= 20);
  }

  @Test
  void aStoppingReplicaSendsItsPendingNotificationsBeforeItGoes() throws Exception {
    // Its batch interval (10 s) is far beyond both the check below and B's TTL (3 s): only the
    // flush on stop can tell B in time.
    TestService leaving = a.replica(Map.of("KVS_CACHE_NOTIFY_INTERVAL_MS", "10000"));
    leaving.put("leaving", write("v1"));
    assertEquals("v1", value(b, "leaving")); // cached in B now
    leaving.put("leaving", write("v2"));

    long stopping = System.currentTimeMillis();
    leaving.close();
    awaitTrue(() -> "v2".equals(value(b, "leaving")), CACHE_TTL_MS / 3, "B still serves v1 after the writer stopped");
    assertTrue(System.currentTimeMillis() - stopping < CACHE_TTL_MS, "fresh through the notification, not B's TTL");
  }

  @Test
  void aDroppedListenConnectionNeverLeavesAStaleEntryBeyondTheTtl() throws Exception {
    a.put("dropped", write("v1"));
    assertEquals("v1", value(b, "dropped"));
    double reconnectsBefore = b.registry.get("kvs.cache.listen.reconnects").counter().count();

    int listener = b.app.listener().backendPid();
    try (Connection c = a.sql(); Statement s = c.createStatement()) {
      s.execute("SELECT pg_terminate_backend(" + listener + ")");
    }
    a.put("dropped", write("v2")); // its notification may well be missed by B
    long written = System.currentTimeMillis();

    awaitTrue(() -> "v2".equals(value(b, "dropped")), CACHE_TTL_MS + 1_000, "B served v1 past the cache TTL");
    assertTrue(System.currentTimeMillis() - written <= CACHE_TTL_MS + 1_000);
    awaitTrue(() -> b.registry.get("kvs.cache.listen.reconnects").counter().count() > reconnectsBefore, 10_000,
        "B never re-established its listen connection");
    assertEquals(1.0, b.registry.get("kvs.cache.listening").gauge().value());

    // Listening again: the next change arrives by notification.
    a.put("dropped", write("v3"));
    awaitTrue(() -> "v3".equals(value(b, "dropped")), CACHE_TTL_MS / 2, "notifications did not resume");
  }

  private static String value(TestService service, String key) {
    return record(service.get(key), key).getString("value");
  }

  private static void awaitTrue(BooleanSupplier condition, long withinMs, String failure) throws InterruptedException {
    long deadline = System.currentTimeMillis() + withinMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(failure);
      }
      Thread.sleep(2);
    }
  }
}
