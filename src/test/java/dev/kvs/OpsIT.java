package dev.kvs;

import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.Await;
import dev.kvs.support.RawHttp;
import dev.kvs.support.TestService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Health endpoints and the Prometheus text a scraper reads. */
class OpsIT {
  private static TestService kvs;

  @BeforeAll
  static void start() {
    kvs = TestService.start("ops", Map.of("KVS_PURGE_ENABLED", "true", "KVS_PURGE_INTERVAL_MS", "100"));
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  void liveAndReadyAnswer200WhileTheDatabaseAnswers() {
    HttpResponse<Buffer> live = kvs.http.get("/health/live").send().await();
    assertEquals(200, live.statusCode());
    assertEquals("UP", live.bodyAsJsonObject().getString("status"));
    assertEquals(200, kvs.http.get("/health/ready").send().await().statusCode());
  }

  @Test
  void metricsArePrometheusTextLabelledByRouteNeverByKey() throws Exception {
    kvs.put("secret-key-name", write(1));
    kvs.get("secret-key-name");
    kvs.get("absent-key-name");
    Await.until("a purge run ticked", 10_000,
        () -> kvs.registry.get("kvs.purge.runs").tag("outcome", "purged").counter().count() > 0);
    HttpResponse<Buffer> scrape = kvs.http.get("/metrics").send().await();
    assertEquals(200, scrape.statusCode());
    assertTrue(scrape.getHeader("content-type").startsWith("text/plain"));
    String text = scrape.bodyAsString();
    assertTrue(text.contains("vertx_http_server_requests_total{code=\"200\",method=\"PUT\",route=\"/v1/ns/:ns/kv/:key\"}"), text);
    assertTrue(text.contains("vertx_http_server_requests_total{code=\"404\",method=\"GET\",route=\"/v1/ns/:ns/kv/:key\"}"));
    assertTrue(text.contains("vertx_http_server_response_time_seconds_bucket{code=\"200\",method=\"GET\",route=\"/v1/ns/:ns/kv/:key\",le=\"0.005\"}"),
        "latency histogram per route");
    assertTrue(text.contains("vertx_pool_"), "pool usage");
    assertTrue(text.contains("kvs_purge_runs_total{outcome=\"purged\"}"), "purge runs");
    assertTrue(text.contains("kvs_purge_deleted_total"));
    assertTrue(text.contains("kvs_purge_lag_seconds"));
    for (String cacheMetric : new String[] {
        "cache_gets_total{cache=\"kvs_records\",result=\"hit\"}", "cache_gets_total{cache=\"kvs_records\",result=\"miss\"}",
        "cache_evictions_total{cache=\"kvs_records\"}", "kvs_cache_loads_total", "kvs_cache_coalesced_total",
        "kvs_cache_invalidations_total{source=\"local\"}", "kvs_cache_invalidations_total{source=\"remote\"}",
        "kvs_cache_listen_reconnects_total", "kvs_cache_listening 1.0"}) {
      assertTrue(text.contains(cacheMetric), "cache metric " + cacheMetric);
    }
    assertFalse(text.contains("secret-key-name"), "keys never become label values");
  }

  @Test
  void everyAnswerIsCountedOnceUnderItsRouteMethodAndStatus() {
    String route = "/v1/ns/:ns/kv/:key";
    Counter misses = kvs.registry.counter("vertx.http.server.requests", "route", route, "method", "GET", "code", "404");
    Timer missTimes = kvs.registry.timer("vertx.http.server.response.time", "route", route, "method", "GET", "code", "404");
    DistributionSummary missBytes = kvs.registry.summary("vertx.http.server.response.bytes", "route", route, "method", "GET",
        "code", "404");
    Counter madeUp = kvs.registry.counter("vertx.http.server.requests", "route", "", "method", "OTHER", "code", "501");
    double missesBefore = misses.count();
    long timesBefore = missTimes.count();
    double bytesBefore = missBytes.totalAmount();
    double madeUpBefore = madeUp.count();

    List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      answers.add(kvs.http.get(TestService.path(TestService.NS, "absent-" + i)).send());
    }
    answers.add(kvs.http.request(HttpMethod.valueOf("BREW"), "/v1/ns/" + TestService.NS + "/kv/pot").send());
    answers.add(kvs.http.request(HttpMethod.valueOf("MAKEUP"), "/anything").send());
    Future.join(answers).await();
    long sentBytes = 0;
    for (int i = 0; i < 25; i++) {
      assertEquals(404, answers.get(i).result().statusCode());
      sentBytes += answers.get(i).result().body().length();
    }

    Await.until("the server recorded every answer", 5_000, () -> misses.count() - missesBefore >= 25);
    assertEquals(25, misses.count() - missesBefore, "each 404 counted once");
    assertEquals(25, missTimes.count() - timesBefore, "each 404 timed once");
    assertTrue(missBytes.totalAmount() - bytesBefore >= sentBytes, "response bytes include the bodies sent");
    assertEquals(2, madeUp.count() - madeUpBefore, "made-up methods share the OTHER label");
    Await.until("no request is active any more", 5_000,
        () -> kvs.registry.get("vertx.http.server.active.requests").tag("method", "GET").gauge().value() == 0
            && kvs.registry.get("vertx.http.server.active.requests").tag("method", "OTHER").gauge().value() == 0);
    assertTrue(kvs.registry.get("vertx.http.server.bytes.read").counter().count() > 0, "bytes read");
    assertTrue(kvs.registry.get("vertx.http.server.active.connections").gauge().value() >= 1, "the client's connections");
  }

  @Test
  void aRequestCutOffByItsClientStopsBeingActiveAndCountsAsAReset() throws Exception {
    Counter resets = kvs.registry.counter("vertx.http.server.request.resets", "method", "PUT");
    double resetsBefore = resets.count();
    try (RawHttp client = new RawHttp(kvs.port)) {
      client.send("PUT " + TestService.path(TestService.NS, "cut-off") + " HTTP/1.1\r\nHost: kvs\r\n"
          + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"val");
      Await.until("the half-sent PUT is active", 5_000, () -> activePuts() == 1);
    } // closed with 90 bytes of the body never sent
    Await.until("the cut-off PUT is no longer active", 5_000, () -> activePuts() == 0);
    assertEquals(1, resets.count() - resetsBefore, "counted as one reset");
    assertEquals(404, kvs.get("cut-off").statusCode(), "nothing written");
  }

  private static double activePuts() {
    return kvs.registry.get("vertx.http.server.active.requests").tag("method", "PUT").gauge().value();
  }
}
