package dev.kvs;

import static dev.kvs.support.Records.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Nothing a client sends becomes a new metric series: made-up methods all share one. */
class MetricsBoundsIT {
  private static TestService kvs;

  @BeforeAll
  static void start() {
    kvs = TestService.start("metricsbounds", Map.of());
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  void madeUpMethodsAre501AndShareOneSeries() {
    send("M0", "/v1/ns/test/kv/k");
    send("M0", "/elsewhere");
    scrape(); // the scrape's own series exist from the second scrape on
    long before = httpSeriesLines();
    for (int i = 1; i <= 200; i++) {
      HttpResponse<Buffer> response = send("M" + i, i % 2 == 0 ? "/v1/ns/test/kv/k" + i : "/random/" + i);
      assertEquals(501, response.statusCode());
      assertEquals("not_implemented", errorCode(response));
    }
    String text = scrape();
    assertEquals(before, httpSeriesLines(), "200 made-up methods added no series");
    assertTrue(text.contains("method=\"OTHER\""), "they are counted, as OTHER");
    assertFalse(text.contains("M123") || text.contains("method=\"M1\""), "no method name from a client is a label");
  }

  private static HttpResponse<Buffer> send(String method, String uri) {
    return kvs.http.request(HttpMethod.valueOf(method), uri).send().await();
  }

  private static String scrape() {
    return kvs.http.get("/metrics").send().await().bodyAsString();
  }

  private static long httpSeriesLines() {
    return scrape().lines().filter(line -> line.startsWith("vertx_http_server")).count();
  }
}
