package dev.kvs;

import static dev.kvs.support.Records.record;
import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.Await;
import dev.kvs.support.DatabaseActivity;
import dev.kvs.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stopping drains: no new connections, but a request already in flight completes and its write stays. */
class ShutdownIT {

  @Test
  void stopFinishesInFlightRequestsBeforeClosingThePool() throws Exception {
    TestService kvs = TestService.start("shutdown", Map.of("KVS_DB_LOCK_TIMEOUT_MS", "20000"));
    boolean stopped = false;
    try {
      kvs.put("slow", write("before"));
      try (Connection holder = kvs.sql()) {
        holder.setAutoCommit(false);
        try (Statement s = holder.createStatement()) {
          // Hold the row so that the next write is still in flight when the stop begins.
          s.executeQuery("SELECT * FROM kv WHERE key = 'slow' FOR UPDATE").close();
          Future<HttpResponse<Buffer>> inFlight = kvs.http.put(TestService.path(TestService.NS, "slow")).sendJsonObject(write("after"));
          DatabaseActivity.await(s, "wait_event_type = 'Lock' AND query LIKE 'WITH written AS%INSERT INTO kv%'", "the write never waited");
          assertFalse(inFlight.isComplete());

          Future<Void> stopping = kvs.app.stop();
          Await.until("the server stopped accepting connections", 10_000, () -> !accepts(kvs.port));
          assertFalse(stopping.isComplete(), "the stop waits for the request in flight");
          holder.rollback();

          assertEquals(200, inFlight.await().statusCode(), "the in-flight write completed");
          stopping.await();
          stopped = true;
        }
      }
      try (Connection c = kvs.sql(); Statement s = c.createStatement();
           var rs = s.executeQuery("SELECT value FROM kv WHERE key = 'slow'")) {
        assertTrue(rs.next());
        assertEquals("\"after\"", rs.getString(1));
      }
      assertTrue(kvs.http.get(TestService.path(TestService.NS, "slow")).send().otherwiseEmpty().await() == null,
          "no new requests after the stop");
    } finally {
      if (!stopped) {
        kvs.app.stop().otherwiseEmpty().await();
      }
      kvs.closeAfterStop();
    }
  }

  private static boolean accepts(int port) {
    try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
      return true;
    } catch (java.io.IOException refused) {
      return false;
    }
  }
}
