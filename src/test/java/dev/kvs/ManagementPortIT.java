package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.http.ManagementVerticle;
import dev.kvs.support.Await;
import dev.kvs.support.RawHttp;
import dev.kvs.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * KVS_MANAGEMENT_PORT: health and metrics there and only there; the API and its description stay
 * put. The management port stands behind the API port's defences: the request guard, the head
 * deadline and a connection cap where idle connections make room.
 */
class ManagementPortIT {
  private static final long HEAD_TIMEOUT_MS = 2_000;
  private static TestService kvs;
  private static int management;
  /**
   * A connection per request: the short head deadline closes idle keep-alive connections, and a
   * request sent on one just as it closes would fail for a reason that is not under test.
   */
  private static WebClient http;

  @BeforeAll
  static void start() {
    management = TestService.freePort();
    kvs = TestService.start("management_port", Map.of("KVS_MANAGEMENT_PORT", Integer.toString(management),
        "KVS_HTTP_HEAD_TIMEOUT_MS", Long.toString(HEAD_TIMEOUT_MS)));
    http = WebClient.create(kvs.vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(kvs.port)
        .setKeepAlive(false));
  }

  @AfterAll
  static void stop() {
    http.close();
    kvs.close();
  }

  @Test
  void healthAndMetricsMoveToTheManagementPort() {
    for (String path : new String[] {"/health/live", "/health/ready", "/metrics"}) {
      HttpResponse<Buffer> there = http.get(management, "127.0.0.1", path).send().await();
      assertEquals(200, there.statusCode(), path + " on the management port");
      HttpResponse<Buffer> api = http.get(path).send().await();
      assertEquals(404, api.statusCode(), path + " on the API port: " + api.bodyAsString());
      assertEquals("not_found", api.bodyAsJsonObject().getJsonObject("error").getString("code"));
    }
    assertTrue(http.get(management, "127.0.0.1", "/metrics").send().await().bodyAsString()
        .contains("vertx_http_server_requests_total"), "the metrics are the process's own");
  }

  @Test
  void theApiAndItsDescriptionStayOnTheApiPort() {
    assertEquals(200, http.get("/openapi.yaml").send().await().statusCode());
    assertEquals(200, http.put(TestService.path(TestService.NS, "k")).sendJsonObject(new JsonObject().put("value", 1))
        .await().statusCode());
    assertEquals(404, http.get(management, "127.0.0.1", TestService.path(TestService.NS, "k")).send().await()
        .statusCode(), "the management port serves no records");
  }

  @Test
  void madeUpMethodsAndBrokenEscapesGetTheSameAnswerOnBothPorts() {
    String[][] requests = {
        {"M123", "/health/live"}, {"M123", "/metrics"}, {"FOO", "/nowhere"},
        {"GET", "/health/live?%zz"}, {"GET", "/metrics%"}, {"PUT", "/health/ready?x=%4"}};
    int[] statuses = {501, 501, 501, 400, 400, 400};
    String[] codes = {"not_implemented", "not_implemented", "not_implemented", "invalid_request", "invalid_request",
        "invalid_request"};
    for (int i = 0; i < requests.length; i++) {
      String what = requests[i][0] + " " + requests[i][1];
      HttpResponse<Buffer> api = http.request(HttpMethod.valueOf(requests[i][0]), requests[i][1]).send().await();
      HttpResponse<Buffer> there = http.request(HttpMethod.valueOf(requests[i][0]), management, "127.0.0.1",
          requests[i][1]).send().await();
      assertEquals(statuses[i], api.statusCode(), what + " on the API port: " + api.bodyAsString());
      assertEquals(codes[i], api.bodyAsJsonObject().getJsonObject("error").getString("code"), what);
      assertEquals(api.statusCode(), there.statusCode(), what + " on the management port: " + there.bodyAsString());
      assertEquals(api.bodyAsString(), there.bodyAsString(), what + ": the same error body");
      assertEquals(api.getHeader("Content-Type"), there.getHeader("Content-Type"), what);
    }
  }

  @Test
  void aHeadDribbledToTheManagementPortIsCutOffAtTheHeadDeadline() throws Exception {
    double timedOutBefore = closedFor("head_timeout");
    long start = System.nanoTime();
    long elapsedMs = -1;
    try (RawHttp slow = new RawHttp(management)) {
      slow.send("GET /metrics HTTP/1.1\r\nHost: kvs\r\n");
      // A header line every 100 ms (a slowloris client): the bytes must not extend the deadline.
      for (int i = 0; i < 100 && elapsedMs < 0; i++) {
        boolean closed;
        try {
          slow.send("X-Slow-" + i + ": 1\r\n");
          closed = slow.closedByServer(100);
        } catch (IOException e) {
          closed = true;
        }
        if (closed) {
          elapsedMs = (System.nanoTime() - start) / 1_000_000;
        }
      }
    }
    assertTrue(elapsedMs >= HEAD_TIMEOUT_MS, "closed at the deadline, not before: after " + elapsedMs + " ms");
    // The sweep that enforces the deadline runs every quarter of it; the rest is a busy machine's slack.
    assertTrue(elapsedMs < HEAD_TIMEOUT_MS + 3_000, "closed at the deadline: " + elapsedMs + " ms (-1: never)");
    assertEquals(timedOutBefore + 1, closedFor("head_timeout"), "counted among the management port's closes");
    assertEquals(200, http.get(management, "127.0.0.1", "/health/live").send().await().statusCode());
  }

  @Test
  void idleConnectionsOverTheManagementPortsCapMakeRoomForAProbe() throws Exception {
    double evictedBefore = closedFor("evicted");
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < ManagementVerticle.MAX_CONNECTIONS; i++) {
        idle.add(new Socket("127.0.0.1", management));
      }
      Await.until("the idle connections accepted", 5_000,
          () -> openConnections() >= ManagementVerticle.MAX_CONNECTIONS);
      try (RawHttp probe = new RawHttp(management)) {
        assertEquals(200, probe.send("GET /health/live HTTP/1.1\r\nHost: kvs\r\n\r\n").status(),
            "a probe is served with the port full of idle connections");
      }
      assertTrue(closedFor("evicted") > evictedBefore, "an idle connection made room for it");
    } finally {
      for (Socket socket : idle) {
        socket.close();
      }
    }
  }

  private static double openConnections() {
    return kvs.registry.get(ManagementVerticle.CONNECTION_METERS + ".open").gauge().value();
  }

  private static double closedFor(String reason) {
    return kvs.registry.get(ManagementVerticle.CONNECTION_METERS + ".closed").tag("reason", reason).counter().count();
  }
}
