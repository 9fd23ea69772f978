package dev.kvs;

import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.Await;
import dev.kvs.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
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
}
