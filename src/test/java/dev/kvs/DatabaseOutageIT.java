package dev.kvs;

import static dev.kvs.support.Records.errorCode;
import static dev.kvs.support.Records.record;
import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.kvs.support.Await;
import dev.kvs.support.LogCapture;
import dev.kvs.support.BusCalls;
import dev.kvs.support.TcpProxy;
import dev.kvs.support.TestPostgres;
import dev.kvs.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A lost database answers 503 with Retry-After, loses no acknowledged write, and the service heals by itself. */
class DatabaseOutageIT {
  private static Vertx proxyVertx;
  private static TcpProxy proxy;
  private static TestService direct;
  private static TestService kvs;

  @BeforeAll
  static void start() {
    // The database is created (and migrated) directly; the service under test reaches it through the proxy.
    direct = TestService.start("outage", Map.of());
    proxyVertx = Vertx.vertx();
    proxy = new TcpProxy(proxyVertx, TestPostgres.get().host(), TestPostgres.get().port());
    int port = proxy.start();
    kvs = TestService.startOn(direct.database, TestPostgres.get().kvsUrl("127.0.0.1", port, direct.database),
        Map.of("KVS_DB_CONNECT_TIMEOUT_MS", "1000", "KVS_RETRY_AFTER_SECONDS", "2"));
  }

  @AfterAll
  static void stop() {
    kvs.close();
    proxyVertx.close().await();
    direct.close();
  }

  @Test
  void lostDatabaseGives503ThenRecoversWithEveryAcknowledgedWrite() {
    assertEquals(200, kvs.put("kept", write("before the outage")).statusCode());

    List<Future<HttpResponse<Buffer>>> writes = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      writes.add(kvs.http.put(TestService.path(TestService.NS, "burst-" + i)).sendJsonObject(write(i)));
    }
    Future.join(writes).await();
    // More writes in flight while the database goes away: each ends as 200 (kept) or 503 (not acknowledged).
    for (int i = 100; i < 200; i++) {
      writes.add(kvs.http.put(TestService.path(TestService.NS, "burst-" + i)).sendJsonObject(write(i)));
    }
    LogCapture log = new LogCapture();
    proxy.stop();
    Future.join(writes).otherwiseEmpty().await();

    HttpResponse<Buffer> get = kvs.get("kept");
    assertEquals(503, get.statusCode(), get.bodyAsString());
    assertEquals("unavailable", errorCode(get));
    assertEquals("2", get.getHeader("Retry-After"));
    HttpResponse<Buffer> put = kvs.put("during", write("refused"));
    assertEquals(503, put.statusCode());
    assertFalse(put.bodyAsString().contains("Exception"), put.bodyAsString());
    // The event bus says the same: 503 unavailable as the failure code, nothing half-written.
    BusCalls.Answer busGet = BusCalls.request(kvs.vertx, "kvs.get", new JsonObject().put("ns", TestService.NS).put("key", "kept"));
    assertEquals(503, busGet.status(), busGet.body().encode());
    assertEquals("unavailable", busGet.body().getJsonObject("error").getString("code"));
    assertEquals(503, BusCalls.request(kvs.vertx, "kvs.write",
        new JsonObject().put("ns", TestService.NS).put("key", "during-bus").put("value", 1)).status());
    assertEquals(503, kvs.http.get("/health/ready").send().await().statusCode());
    assertEquals(200, kvs.http.get("/health/live").send().await().statusCode());

    // Writes whose outcome is unknown are announced; those announcements fail, and that shows.
    Await.until("failed notifications counted", 10_000,
        () -> kvs.registry.get("kvs.cache.notify.failures").counter().count() > 0);
    Await.until("the lost LISTEN connection logged", 10_000, () -> !log.atLeast(Level.WARN, "dev.kvs.notify.NotificationListener")
        .stream().filter(e -> e.getFormattedMessage().contains("cannot listen")).toList().isEmpty());
    List<ILoggingEvent> notifyWarnings = log.atLeast(Level.WARN, "dev.kvs.cache.ChangePublisher");
    assertFalse(notifyWarnings.isEmpty(), "a failed notification is logged");
    assertTrue(notifyWarnings.size() <= 2, "and rate limited: " + log.text());
    log.close();

    proxy.start();
    awaitReady();

    assertEquals("before the outage", record(kvs.get("kept"), "kept").getString("value"));
    assertEquals(404, kvs.get("during").statusCode(), "a write answered 503 was not applied");
    int acknowledged = 0;
    for (int i = 0; i < writes.size(); i++) {
      HttpResponse<Buffer> response = writes.get(i).result();
      if (response != null && response.statusCode() == 200) {
        acknowledged++;
        assertEquals(i, record(kvs.get("burst-" + i), "burst-" + i).getInteger("value"), "acknowledged write burst-" + i + " lost");
      } else if (response != null) {
        assertEquals(503, response.statusCode(), response.bodyAsString());
      }
    }
    assertTrue(acknowledged >= 100, "the writes made before the cut were all acknowledged: " + acknowledged);
    assertEquals(200, kvs.put("after", write("healed")).statusCode());
  }

  private static void awaitReady() {
    Await.until("the service serves again after the database came back", 20_000,
        () -> kvs.get("kept").statusCode() == 200);
  }
}
