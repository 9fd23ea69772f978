package dev.kvs;

import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.kvs.support.Await;
import dev.kvs.support.LogCapture;
import dev.kvs.support.RawHttp;
import dev.kvs.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that hold connections without finishing requests: idle connections by the thousand,
 * heads and bodies dribbled a byte at a time. Each is cut off at its deadline, and a normal
 * client is served all along.
 */
class HostileConnectionsIT {
  private static TestService kvs;

  @BeforeAll
  static void start() {
    kvs = TestService.start("hostileconn", Map.of(
        "KVS_HTTP_HEAD_TIMEOUT_MS", "3000",
        "KVS_HTTP_BODY_TIMEOUT_MS", "3000",
        "KVS_HTTP_MAX_CONNECTIONS", "5000"));
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  void twoThousandIdleConnectionsNeitherStopOthersNorOutliveTheHeadTimeout() throws Exception {
    double timedOutBefore = closedFor("head_timeout");
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 2_000; i++) {
        idle.add(new Socket("127.0.0.1", kvs.port));
      }
      // Accepted, every one: still open or since closed at its head deadline (slow machines get there first).
      Await.until("the server accepted the idle connections", 10_000,
          () -> openConnections() + closedFor("head_timeout") - timedOutBefore >= 2_000);
      assertNormalClientServed("while 2,000 connections idle");

      Await.until("idle connections closed at the head timeout", 15_000, () -> openConnections() < 100);
      try (RawHttp oneOfThem = new RawHttp(kvs.port)) {
        assertTrue(oneOfThem.closedByServer(10_000), "a connection that sends nothing is closed");
      }
      assertTrue(closedFor("head_timeout") - timedOutBefore >= 2_000, "counted: " + closedFor("head_timeout"));
    } finally {
      for (Socket socket : idle) {
        socket.close();
      }
    }
  }

  @Test
  void aKeepAliveConnectionIsClosedAtTheHeadDeadlineAfterEachKindOfAnswer() throws Exception {
    String body = "{\"value\": 1}";
    String[] requests = {
        "PUT " + TestService.path(TestService.NS, "kept-alive") + " HTTP/1.1\r\nHost: kvs\r\nContent-Type: application/json\r\n"
            + "Content-Length: " + body.length() + "\r\n\r\n" + body,
        "GET " + TestService.path(TestService.NS, "never-there") + " HTTP/1.1\r\nHost: kvs\r\n\r\n",
        "PATCH " + TestService.path(TestService.NS, "kept-alive") + " HTTP/1.1\r\nHost: kvs\r\n\r\n",
        "GET /health/live HTTP/1.1\r\nHost: kvs\r\n\r\n"};
    int[] statuses = {200, 404, 405, 200};
    for (int i = 0; i < requests.length; i++) {
      try (RawHttp client = new RawHttp(kvs.port)) {
        assertEquals(statuses[i], client.send(requests[i]).status());
        assertEquals(statuses[i], client.send(requests[i]).status(), "the connection is kept alive between requests");
        assertTrue(client.closedByServer(10_000), "then closed when no next request comes: " + requests[i]);
      }
    }
  }

  @Test
  void aHeadDribbledAByteAtATimeIsCutOffAtTheDeadline() throws Exception {
    try (RawHttp slow = new RawHttp(kvs.port)) {
      slow.send("GET /health/live HTTP/1.1\r\nHost: kvs\r\n");
      // Bytes keep arriving (a slowloris client), which must not extend the deadline.
      boolean closed = false;
      for (int i = 0; i < 100 && !closed; i++) {
        try {
          slow.send("X-Slow-" + i + ": 1\r\n");
        } catch (IOException e) {
          closed = true;
          break;
        }
        closed = slow.closedByServer(100);
      }
      assertTrue(closed, "the connection was not closed within 10 s of dribbling");
    }
    assertNormalClientServed("after a slow head");
  }

  @Test
  void twoHundredDribbledBodiesGet408WhileOthersAreServed() throws Exception {
    List<RawHttp> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        // Half single writes, half bulk writes: each route reads its body under the same deadline.
        String start = i % 2 == 0
            ? "PUT " + TestService.path(TestService.NS, "slow-" + i) + " HTTP/1.1\r\n"
            : "POST /v1/ns/test/bulk/write HTTP/1.1\r\n";
        String body = i % 2 == 0 ? "{\"value\": \"" : "{\"items\": [{\"key\": \"slow-" + i + "\", \"value\": \"";
        slow.add(new RawHttp(kvs.port).send(start
            + "Host: kvs\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n" + body));
      }
      for (int round = 0; round < 3; round++) {
        for (RawHttp connection : slow) {
          connection.send("x");
        }
        assertNormalClientServed("while 200 bodies dribble");
      }
      for (RawHttp connection : slow) {
        String head = connection.head();
        assertTrue(head.startsWith("HTTP/1.1 408"), "a body too slow is answered 408: " + head);
        assertTrue(connection.closedByServer(5_000), "and its connection closed");
      }
    } finally {
      for (RawHttp connection : slow) {
        connection.close();
      }
    }
    assertEquals(0, kvs.count("key LIKE 'slow-%'"), "nothing of the slow writes was written");
  }

  @Test
  void aBodyWhereNoneBelongsIsNotReadTheAnswerComesAndTheConnectionCloses() throws Exception {
    try (RawHttp client = new RawHttp(kvs.port)) {
      client.send("GET " + TestService.path(TestService.NS, "absent") + " HTTP/1.1\r\nHost: kvs\r\n"
          + "Content-Type: application/json\r\nContent-Length: 50000000\r\n\r\n" + "x".repeat(1_000));
      assertEquals(404, client.status(), "answered without waiting for the 50 MB");
      assertTrue(client.closedByServer(5_000), "the unread body is not drained: the connection is closed");
    }
  }

  @Test
  void clientsThatHangUpEarlyAreNoErrorOfOurs() throws Exception {
    try (LogCapture log = new LogCapture()) {
      for (int i = 0; i < 20; i++) {
        try (RawHttp client = new RawHttp(kvs.port)) {
          client.send("PUT " + TestService.path(TestService.NS, "hangup-" + i) + " HTTP/1.1\r\nHost: kvs\r\n"
              + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"va");
        }
        try (RawHttp client = new RawHttp(kvs.port)) {
          client.send("GET " + TestService.path(TestService.NS, "hangup-" + i) + " HTTP/1.1\r\nHost: kvs\r\n\r\n");
        }
        RawHttp crashing = new RawHttp(kvs.port);
        crashing.send("POST /v1/ns/test/bulk/write HTTP/1.1\r\nHost: kvs\r\n"
            + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"items\": [");
        crashing.reset();
      }
      Await.until("the hung-up connections are gone", 10_000, () -> openConnections() <= 2);
      assertNormalClientServed("after 60 hang-ups");
      assertEquals(List.of(), log.atLeast(Level.WARN, "").stream().map(ILoggingEvent::getFormattedMessage).toList(),
          "nothing logged at WARN or ERROR: " + log.text());
    }
    assertEquals(0, kvs.count("key LIKE 'hangup-%'"));
  }

  @Test
  void anOversizeRequestLineIs414AndHeadersAre431WithTheErrorBody() throws Exception {
    try (RawHttp client = new RawHttp(kvs.port)) {
      String head = client.send("GET /v1/ns/test/kv/" + "k".repeat(5_000) + " HTTP/1.1\r\nHost: kvs\r\n\r\n").head();
      assertTrue(head.startsWith("HTTP/1.1 414") || head.startsWith("HTTP/1.0 414"), head);
      assertTrue(head.toLowerCase().contains("application/json"), head);
    }
    try (RawHttp client = new RawHttp(kvs.port)) {
      String head = client.send("GET /health/live HTTP/1.1\r\nHost: kvs\r\nX-Big: " + "h".repeat(10_000) + "\r\n\r\n").head();
      assertTrue(head.contains(" 431 "), head);
      assertTrue(head.toLowerCase().contains("application/json"), head);
    }
  }

  @Test
  void cleartextHttp2IsOffByDefault() throws Exception {
    try (RawHttp client = new RawHttp(kvs.port)) {
      String head = client.send("GET /health/live HTTP/1.1\r\nHost: kvs\r\nConnection: Upgrade, HTTP2-Settings\r\n"
          + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n").head();
      assertTrue(head.startsWith("HTTP/1.1 200"), "answered in HTTP/1.1, no switch to h2c: " + head);
    }
  }

  @Test
  void cleartextHttp2WhenConfiguredHasItsStreamsBounded() {
    try (TestService h2c = TestService.start("h2c", Map.of("KVS_HTTP2_CLEARTEXT", "true", "KVS_HTTP2_MAX_STREAMS", "7"))) {
      HttpClient client = h2c.vertx.createHttpClient(new HttpClientOptions()
          .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
      try {
        HttpClientResponse response = client.request(HttpMethod.GET, h2c.port, "127.0.0.1", "/health/live")
            .compose(request -> request.send()).await();
        assertEquals(HttpVersion.HTTP_2, response.version());
        assertEquals(200, response.statusCode());
        assertEquals(7, response.request().connection().remoteSettings().getMaxConcurrentStreams());
      } finally {
        client.close().await();
      }
    }
  }

  private static void assertNormalClientServed(String when) {
    String key = "normal-" + System.nanoTime();
    HttpResponse<Buffer> put = kvs.http.put(TestService.path(TestService.NS, key)).timeout(10_000)
        .sendJsonObject(write(new JsonObject().put("when", when))).await();
    assertEquals(200, put.statusCode(), when);
    HttpResponse<Buffer> get = kvs.http.get(TestService.path(TestService.NS, key)).timeout(10_000).send().await();
    assertEquals(200, get.statusCode(), when);
    assertFalse(get.bodyAsString().isEmpty());
  }

  private static double openConnections() {
    return kvs.registry.get("kvs.http.connections.open").gauge().value();
  }

  private static double closedFor(String reason) {
    return kvs.registry.get("kvs.http.connections.closed").tag("reason", reason).counter().count();
  }
}
