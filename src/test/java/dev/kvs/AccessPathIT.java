package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.access.TokenSecrets;
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
  void aBearerValueNotShapedLikeAnIssuedTokenIsRefusedWithoutAQuery() {
    Auth.createNamespace(kvs, "shapes", new JsonObject());
    long before = poolUses();
    int requests = 0;
    for (int i = 0; i < 30; i++) {
      String secret = TokenSecrets.newSecret(); // a fresh one each round: no cache could explain the silence
      String body = secret.substring(4);
      for (String value : new String[] {
          secret.substring(0, 46), secret + "A", "tok_" + body, body, "kvs_" + body + body,
          secret.substring(0, 10) + "." + secret.substring(11), secret.substring(0, 10) + "~" + secret.substring(11),
          secret.substring(0, 46) + "B", "kvs_" + body.substring(0, 42) + "/" + body.repeat(5)}) {
        HttpResponse<Buffer> answer = get("shapes", value, "k");
        assertEquals(401, answer.statusCode(), value + ": " + answer.bodyAsString());
        assertEquals("unauthorized", answer.bodyAsJsonObject().getJsonObject("error").getString("code"));
        assertEquals("Bearer realm=\"kvs\", error=\"invalid_token\"", answer.getHeader("WWW-Authenticate"));
        requests++;
      }
    }
    assertEquals(0, poolUses() - before, requests + " refusals, not one query");

    // A value of the issued shape may be a stored token: looked up once, and its absence remembered.
    String unknown = TokenSecrets.newSecret();
    assertEquals(401, get("shapes", unknown, "k").statusCode());
    assertEquals(401, get("shapes", unknown, "k").statusCode());
    assertEquals(1, poolUses() - before, "one look-up for the well-shaped unknown token");
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
