package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** KVS_MANAGEMENT_PORT: health and metrics there and only there; the API and its description stay put. */
class ManagementPortIT {
  private static TestService kvs;
  private static int management;

  @BeforeAll
  static void start() {
    management = TestService.freePort();
    kvs = TestService.start("management_port", Map.of("KVS_MANAGEMENT_PORT", Integer.toString(management)));
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  void healthAndMetricsMoveToTheManagementPort() {
    for (String path : new String[] {"/health/live", "/health/ready", "/metrics"}) {
      HttpResponse<Buffer> there = kvs.http.get(management, "127.0.0.1", path).send().await();
      assertEquals(200, there.statusCode(), path + " on the management port");
      HttpResponse<Buffer> api = kvs.http.get(path).send().await();
      assertEquals(404, api.statusCode(), path + " on the API port: " + api.bodyAsString());
      assertEquals("not_found", api.bodyAsJsonObject().getJsonObject("error").getString("code"));
    }
    assertTrue(kvs.http.get(management, "127.0.0.1", "/metrics").send().await().bodyAsString()
        .contains("vertx_http_server_requests_total"), "the metrics are the process's own");
  }

  @Test
  void theApiAndItsDescriptionStayOnTheApiPort() {
    assertEquals(200, kvs.http.get("/openapi.yaml").send().await().statusCode());
    assertEquals(200, kvs.put("k", new io.vertx.core.json.JsonObject().put("value", 1)).statusCode());
    assertEquals(404, kvs.http.get(management, "127.0.0.1", TestService.path(TestService.NS, "k")).send().await()
        .statusCode(), "the management port serves no records");
  }
}
