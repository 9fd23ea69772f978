package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.Auth;
import dev.kvs.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on one database, with caches that would trust a token for ten minutes: a revocation
 * or a namespace change made through one is in force on the other within a second.
 */
class AuthReplicasIT {
  private static TestService a;
  private static TestService b;

  @BeforeAll
  static void start() {
    Map<String, String> env = new HashMap<>(Auth.on());
    env.put("KVS_AUTH_CACHE_TTL_MS", "600000"); // only the notice can make B forget in time
    a = TestService.start("auth_replicas", env);
    b = a.replica(env);
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
  }

  @Test
  void aTokenRevokedOnOneReplicaStopsWorkingOnTheOtherWithinASecond() throws Exception {
    Auth.createNamespace(a, "shared", new JsonObject());
    JsonObject token = Auth.issue(a, "shared", "read");
    assertEquals(404, get(b, "shared", token.getString("token")).statusCode(), "B has the token cached now");
    Auth.revoke(a, token.getString("id"));
    assertEquals(401, untilNot(404, b, "shared", token.getString("token")), "B refuses it");
  }

  @Test
  void aNamespaceDeletedOnOneReplicaIsGoneOnTheOtherWithinASecond() throws Exception {
    Auth.createNamespace(a, "fleeting", new JsonObject());
    String token = Auth.issue(a, "fleeting", "read").getString("token");
    assertEquals(404, get(b, "fleeting", token).statusCode());
    HttpResponse<Buffer> deleted = a.http.delete("/v1/admin/namespaces/fleeting")
        .putHeader("Authorization", Auth.bearer(Auth.ADMIN)).send().await();
    assertEquals(200, deleted.statusCode());
    assertEquals(401, untilNot(404, b, "fleeting", token), "its tokens went with it, on B too");
  }

  @Test
  void aRateSetOnOneReplicaHoldsOnTheOtherWithinASecond() throws Exception {
    Auth.createNamespace(a, "throttled", new JsonObject());
    String token = Auth.issue(a, "throttled", "read").getString("token");
    assertEquals(404, get(b, "throttled", token).statusCode(), "B caches the namespace, unlimited");
    HttpResponse<Buffer> patched = a.http.patch("/v1/admin/namespaces/throttled")
        .putHeader("Authorization", Auth.bearer(Auth.ADMIN)).sendJsonObject(new JsonObject().put("requestsPerSecond", 1))
        .await();
    assertEquals(200, patched.statusCode());
    assertEquals(429, untilNot(404, b, "throttled", token), "B holds the namespace to its new rate");
  }

  /** Repeats the GET on {@code replica} while it answers {@code status}; the first other status, within 1 s. */
  private static int untilNot(int status, TestService replica, String ns, String token) throws InterruptedException {
    long start = System.nanoTime();
    while (true) {
      int now = get(replica, ns, token).statusCode();
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      if (now != status) {
        assertTrue(elapsedMs <= 1_000, "took " + elapsedMs + " ms");
        return now;
      }
      assertTrue(elapsedMs <= 1_000, "still " + status + " after " + elapsedMs + " ms");
      Thread.sleep(5);
    }
  }

  private static HttpResponse<Buffer> get(TestService replica, String ns, String token) {
    return replica.http.get(TestService.path(ns, "k")).putHeader("Authorization", Auth.bearer(token)).send().await();
  }
}
