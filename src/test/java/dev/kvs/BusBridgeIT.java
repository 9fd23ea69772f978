package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.Auth;
import dev.kvs.support.Await;
import dev.kvs.support.TestService;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SockJS bridge as a consumer off the JVM uses it: a plain WebSocket speaking the bridge's
 * JSON frames. Requests carry the token in the frame's headers and are answered as on the bus;
 * subscribing to a namespace's changes needs a read token of that namespace; publishing is refused.
 */
class BusBridgeIT {
  private static TestService kvs;
  private static String readWrite;
  private static String otherNamespace;

  @BeforeAll
  static void start() {
    Map<String, String> env = new HashMap<>(Auth.on());
    env.put("KVS_BUS_BRIDGE", "on");
    kvs = TestService.start("bus_bridge", env);
    Auth.createNamespace(kvs, "alpha", new JsonObject());
    Auth.createNamespace(kvs, "beta", new JsonObject());
    readWrite = Auth.issue(kvs, "alpha", "read", "write").getString("token");
    otherNamespace = Auth.issue(kvs, "beta", "read").getString("token");
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  void requestsAreAnsweredAsOnTheBusWithTheTokenFromTheFrameHeaders() {
    Frames frames = connect();
    frames.send(new JsonObject().put("type", "send").put("address", "kvs.write").put("replyAddress", "w1")
        .put("headers", auth(readWrite)).put("body", new JsonObject().put("ns", "alpha").put("key", "k").put("value", 7)));
    JsonObject written = frames.await("w1");
    assertEquals("rec", written.getString("type"), written.encode());
    assertEquals(7, written.getJsonObject("body").getJsonObject("k").getInteger("value"));

    frames.send(new JsonObject().put("type", "send").put("address", "kvs.get").put("replyAddress", "g1")
        .put("body", new JsonObject().put("ns", "alpha").put("key", "k")));
    JsonObject refused = frames.await("g1");
    assertEquals("err", refused.getString("type"), refused.encode());
    assertEquals(401, refused.getInteger("failureCode"), "no token in the frame: 401 as over HTTP");
  }

  @Test
  void subscribingToChangesNeedsAReadTokenOfThatNamespace() {
    Frames denied = connect();
    denied.send(new JsonObject().put("type", "register").put("address", "kvs.changes.alpha").put("headers", auth(otherNamespace)));
    Await.until("the refusal", 10_000, () -> denied.any(f -> "err".equals(f.getString("type"))));
    Frames nobody = connect();
    nobody.send(new JsonObject().put("type", "register").put("address", "kvs.changes.alpha"));
    Await.until("the refusal", 10_000, () -> nobody.any(f -> "err".equals(f.getString("type"))));

    Frames allowed = connect();
    allowed.send(new JsonObject().put("type", "register").put("address", "kvs.changes.alpha").put("headers", auth(readWrite)));
    Await.until("the subscription to take", 10_000, () -> {
      kvs.http.put("/v1/ns/alpha/kv/watched").putHeader("Authorization", Auth.bearer(readWrite))
          .sendJsonObject(new JsonObject().put("value", 1)).await();
      return allowed.any(f -> "kvs.changes.alpha".equals(f.getString("address")));
    });
    JsonObject change = allowed.first(f -> "kvs.changes.alpha".equals(f.getString("address")));
    assertEquals("write", change.getJsonObject("body").getString("op"));
    assertEquals("watched", change.getJsonObject("body").getString("key"));
    assertFalse(denied.any(f -> "kvs.changes.alpha".equals(f.getString("address"))), "no change reached a refused subscriber");
    assertFalse(nobody.any(f -> "kvs.changes.alpha".equals(f.getString("address"))));
  }

  @Test
  void nothingCanBePublishedIntoTheBus() {
    Frames frames = connect();
    frames.send(new JsonObject().put("type", "publish").put("address", "kvs.changes.alpha").put("body", new JsonObject().put("op", "write")));
    Await.until("the refusal", 10_000, () -> frames.any(f -> "err".equals(f.getString("type"))));
  }

  private static JsonObject auth(String token) {
    return new JsonObject().put("authorization", Auth.bearer(token));
  }

  private static Frames connect() {
    WebSocket socket = kvs.vertx.createWebSocketClient().connect(kvs.port, "127.0.0.1", "/v1/eventbus/websocket").await();
    Frames frames = new Frames(socket);
    // The bridge answers in binary frames holding JSON text.
    socket.handler(data -> frames.frames.add(new JsonObject(data)));
    return frames;
  }

  /** The frames a WebSocket received, and sending JSON frames on it. */
  private record Frames(WebSocket socket, List<JsonObject> frames) {
    Frames(WebSocket socket) {
      this(socket, Collections.synchronizedList(new ArrayList<>()));
    }

    void send(JsonObject frame) {
      socket.writeTextMessage(frame.encode()).await();
    }

    boolean any(java.util.function.Predicate<JsonObject> match) {
      synchronized (frames) {
        return frames.stream().anyMatch(match);
      }
    }

    JsonObject first(java.util.function.Predicate<JsonObject> match) {
      synchronized (frames) {
        return frames.stream().filter(match).findFirst().orElseThrow();
      }
    }

    JsonObject await(String replyAddress) {
      java.util.function.Predicate<JsonObject> reply =
          f -> replyAddress.equals(f.getString("address")) || "err".equals(f.getString("type"));
      Await.until("a reply on " + replyAddress, 10_000, () -> any(reply));
      return first(reply);
    }
  }
}
