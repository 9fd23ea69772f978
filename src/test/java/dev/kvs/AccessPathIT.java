package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.Auth;
import dev.kvs.support.TestService;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Admission on the request path: no database query per request, and per-namespace rates. */
class AccessPathIT {
  private static TestService kvs;

  @BeforeAll
  static void start() {
    Map<String, String> env = new HashMap<>(Auth.on());
    env.put("KVS_CACHE_ENABLED", "false"); // every GET is then exactly one query: the count below is exact
    kvs = TestService.start("access_path", env);
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  void checkingATokenAndItsNamespaceQueriesNothingPerRequest() {
    Auth.createNamespace(kvs, "counted", new JsonObject());
    String token = Auth.issue(kvs, "counted", "read", "write").getString("token");
    assertEquals(404, get("counted", token, "k").statusCode(), "warm-up: token and namespace cached");
    long before = poolUses();
    int requests = 300;
    for (int i = 0; i < requests; i++) {
      assertEquals(404, get("counted", token, "k" + i).statusCode());
    }
    assertEquals(requests, poolUses() - before, "one query per GET (its SELECT), none for the token or the namespace");
  }

  @Test
  void aBurstOverTheRateIs429WithRetryAfterAndOthersAreUnaffected() throws Exception {
    Auth.createNamespace(kvs, "limited", new JsonObject().put("requestsPerSecond", 20));
    Auth.createNamespace(kvs, "calm", new JsonObject().put("requestsPerSecond", 20));
    String limited = Auth.issue(kvs, "limited", "read").getString("token");
    String calm = Auth.issue(kvs, "calm", "read").getString("token");

    List<Future<HttpResponse<Buffer>>> burst = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      burst.add(kvs.http.get(TestService.path("limited", "k")).putHeader("Authorization", Auth.bearer(limited)).send());
    }
    int refused = 0;
    int served = 0;
    for (Future<HttpResponse<Buffer>> f : burst) {
      HttpResponse<Buffer> answer = f.await();
      if (answer.statusCode() == 429) {
        refused++;
        assertEquals("rate_limited", answer.bodyAsJsonObject().getJsonObject("error").getString("code"));
        assertTrue(Integer.parseInt(answer.getHeader("Retry-After")) >= 1, "Retry-After in whole seconds");
      } else {
        assertEquals(404, answer.statusCode(), answer.bodyAsString());
        served++;
      }
    }
    // A bucket holds one second of the rate; the burst may last long enough to earn a few more.
    assertTrue(served >= 20 && served <= 60, "served " + served + " of the burst");
    assertEquals(200, refused + served);

    // Within its rate a namespace is never refused, burst next door or not.
    for (int i = 0; i < 20; i++) {
      HttpResponse<Buffer> answer = get("calm", calm, "k");
      assertEquals(404, answer.statusCode(), "request " + i + " within the rate: " + answer.bodyAsString());
      Thread.sleep(100); // 10 per second
    }
  }

  private static HttpResponse<Buffer> get(String ns, String token, String key) {
    return kvs.http.get(TestService.path(ns, key)).putHeader("Authorization", Auth.bearer(token)).send().await();
  }

  /** Connections taken from the request pool: one per statement. */
  private static long poolUses() {
    return kvs.registry.find("vertx.pool.usage").tag("pool_name", "kvs").timers().stream()
        .mapToLong(Timer::count).sum();
  }
}
