package dev.kvs;

import static dev.kvs.support.Records.record;
import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kvs.support.Await;
import dev.kvs.support.TcpProxy;
import dev.kvs.support.TestPostgres;
import dev.kvs.support.TestService;
import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A listen connection that goes silent without closing (half-open TCP) is noticed by its heartbeat:
 * the replica clears its cache and listens again, so a notification lost in the silence cannot
 * leave a stale entry for the rest of a long cache TTL.
 */
class ListenHeartbeatIT {
  private static TestService writer;
  private static TestService reader;
  private static Vertx proxyVertx;
  private static TcpProxy proxy;

  @BeforeAll
  static void start() {
    writer = TestService.start("heartbeat", Map.of());
    proxyVertx = Vertx.vertx();
    proxy = new TcpProxy(proxyVertx, TestPostgres.get().host(), TestPostgres.get().port());
    int port = proxy.start();
    // A TTL of ten minutes: within this test only notifications or a cleared cache refresh the reader.
    reader = TestService.startOn(writer.database, TestPostgres.get().kvsUrl("127.0.0.1", port, writer.database),
        Map.of("KVS_CACHE_TTL_MS", "600000"));
  }

  @AfterAll
  static void stop() {
    reader.close();
    proxyVertx.close().await();
    writer.close();
  }

  @Test
  void aSilentListenConnectionIsReplacedAndTheCacheCleared() throws Exception {
    writer.put("k", write("v1"));
    assertEquals("v1", value(reader, "k")); // cached in the reader
    double reconnects = reconnects();

    proxy.freeze();
    writer.put("k", write("v2")); // its notification to the reader is stuck in the silent connection

    Await.until("the reader noticing that its listen connection went silent", 15_000,
        () -> reconnects() != reconnects);
    proxy.thaw(); // the pool's connections, silenced too, carry the reads again
    assertEquals("v2", value(reader, "k"), "the cache was cleared when the listen connection was replaced");
  }

  private static double reconnects() {
    return reader.registry.get("kvs.cache.listen.reconnects").counter().count();
  }

  private static String value(TestService service, String key) {
    return record(service.get(key), key).getString("value");
  }
}
