package dev.kvs;

import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.DatabaseActivity;
import dev.kvs.support.RawHttp;
import dev.kvs.support.TestService;
import java.net.Socket;
import java.sql.Connection;
import java.sql.Statement;
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
        "KVS_DB_LOCK_TIMEOUT_MS", "30000"));
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
    kvs.put("held", write("before"));
    double refusedBefore = closedFor("refused");
    List<RawHttp> busy = new ArrayList<>();
    try (Connection sql = kvs.sql(); Statement s = sql.createStatement()) {
      sql.setAutoCommit(false);
      s.execute("SELECT * FROM kv WHERE key = 'held' FOR UPDATE"); // every write to 'held' waits
      for (int i = 0; i < CAP; i++) {
        String body = "{\"value\": " + i + "}";
        busy.add(new RawHttp(kvs.port).send("PUT " + TestService.path(TestService.NS, "held") + " HTTP/1.1\r\nHost: kvs\r\n"
            + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
      }
      // Every one of them in flight: a connection whose request has not arrived yet counts as idle.
      DatabaseActivity.await(s, "wait_event_type = 'Lock' AND query LIKE 'INSERT INTO kv%'", CAP, "the writes never waited");

      try (RawHttp extra = new RawHttp(kvs.port)) {
        assertTrue(extra.closedByServer(5_000), "the connection over the cap is closed");
      }
      assertTrue(closedFor("refused") > refusedBefore, "and counted");
      sql.commit();
    }
    for (RawHttp connection : busy) {
      assertEquals(200, connection.status(), "the busy connections were not touched");
      connection.close();
    }
  }

  private static double closedFor(String reason) {
    return kvs.registry.get("kvs.http.connections.closed").tag("reason", reason).counter().count();
  }
}
