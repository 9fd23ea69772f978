package dev.kvs;

import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Other replicas are told only of real changes: a delete announces the keys it removed, not the
 * keys it found absent. Observed from outside, as another replica would: LISTEN on the channel.
 */
class ChangeNotificationsIT {
  private static TestService kvs;

  @BeforeAll
  static void start() {
    kvs = TestService.start("notifications", Map.of());
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  void deletesAnnounceOnlyTheKeysTheyRemoved() throws Exception {
    kvs.put("present", write(1));
    kvs.put("bulk-present", write(2));
    try (Connection listener = kvs.sql(); Statement s = listener.createStatement()) {
      s.execute("LISTEN kvs_changes");
      assertEquals(200, kvs.delete("never-written").statusCode());
      assertEquals(200, kvs.delete("present").statusCode());
      JsonObject deleted = kvs.http.post("/v1/ns/test/bulk/delete")
          .sendJsonObject(new JsonObject().put("keys", new JsonArray().add("bulk-present").add("bulk-absent"))).await()
          .bodyAsJsonObject();
      assertEquals(1, deleted.getInteger("deleted"));
      kvs.put("marker", write(3)); // announced after all of the above

      List<String> announced = announcedUntil(listener, "test marker");
      assertTrue(announced.contains("test present"), announced.toString());
      assertTrue(announced.contains("test bulk-present"), announced.toString());
      assertFalse(announced.contains("test never-written"), "a delete that removed nothing is not announced: " + announced);
      assertFalse(announced.contains("test bulk-absent"), announced.toString());
    }
  }

  /** The "ns key" lines of the notifications received until one carries {@code last}. */
  private static List<String> announcedUntil(Connection listener, String last) throws Exception {
    List<String> lines = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 10_000;
    while (!lines.contains(last)) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("no notification of '" + last + "' within 10 s; got " + lines);
      }
      PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications(200);
      if (received != null) {
        for (PGNotification n : received) {
          String[] payload = n.getParameter().split("\n");
          lines.addAll(List.of(payload).subList(1, payload.length)); // the first line is the sender
        }
      }
    }
    return lines;
  }
}
