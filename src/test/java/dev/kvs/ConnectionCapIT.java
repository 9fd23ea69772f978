package dev.kvs;

import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.Await;
import dev.kvs.support.RawHttp;
import dev.kvs.support.TestService;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cap on open connections: idle connections make room for new ones (the longest waiting is
 * closed), and only when every connection has a request in flight is a new one refused.
 */
class ConnectionCapIT {
  private static final int CAP = 4;
  private static TestService kvs;

  @BeforeAll
  static void start() {
    kvs = TestService.start("conncap", Map.of(
        "KVS_HTTP_INSTANCES", "1",
        "KVS_HTTP_MAX_CONNECTIONS", Integer.toString(CAP),
        "KVS_HTTP_BODY_TIMEOUT_MS", "60000"));
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  void idleConnectionsAreClosedToMakeRoomForNewClients() throws Exception {
    double evictedBefore = closedFor("evicted");
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 3 * CAP; i++) {
        idle.add(new Socket("127.0.0.1", kvs.port));
      }
      assertEquals(200, kvs.put("through", write(1)).statusCode(), "a new client is served over a full house of idle ones");
      assertTrue(closedFor("evicted") - evictedBefore >= 2 * CAP, "idle connections evicted: " + closedFor("evicted"));
    } finally {
      for (Socket socket : idle) {
        socket.close();
      }
    }
  }

  @Test
  void whenEveryConnectionIsBusyANewOneIsRefusedAndTheBusyOnesFinish() throws Exception {
    double refusedBefore = closedFor("refused");
    String body = "{\"value\": \"busy\"}";
    List<RawHttp> busy = new ArrayList<>();
    try {
      for (int i = 0; i < CAP; i++) {
        // A request whose body is still arriving keeps its connection busy.
        busy.add(new RawHttp(kvs.port).send("PUT " + TestService.path(TestService.NS, "busy-" + i) + " HTTP/1.1\r\n"
            + "Host: kvs\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
            + body.substring(0, 5)));
        // One at a time, each in flight before the next connects: until its request head arrives,
        // a connection is idle, and the next one over the cap would evict it.
        int inFlight = i + 1;
        Await.until("request " + i + " in flight", 10_000, () -> activePuts() >= inFlight);
      }

      try (RawHttp extra = new RawHttp(kvs.port)) {
        assertTrue(extra.closedByServer(5_000), "the connection over the cap is closed");
      }
      assertTrue(closedFor("refused") > refusedBefore, "and counted");

      for (RawHttp connection : busy) {
        assertEquals(200, connection.send(body.substring(5)).status(), "the busy connections were not touched");
      }
    } finally {
      for (RawHttp connection : busy) {
        connection.close();
      }
    }
    assertEquals(CAP, kvs.count("key LIKE 'busy-%'"));
  }

  private static double activePuts() {
    return kvs.registry.find("vertx.http.server.active.requests").tag("method", "PUT").gauges().stream()
        .mapToDouble(g -> g.value()).sum();
  }

  private static double closedFor(String reason) {
    return kvs.registry.get("kvs.http.connections.closed").tag("reason", reason).counter().count();
  }
}
