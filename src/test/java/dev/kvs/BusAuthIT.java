package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kvs.support.Auth;
import dev.kvs.support.BusCalls;
import dev.kvs.support.BusCalls.Answer;
import dev.kvs.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may use which namespace on the bus: the token travels in the {@code authorization} header
 * and is checked exactly as over HTTP. Each credential on a read, a write and a catch-up gets the
 * status HTTP gives it, and a refused write changes nothing.
 */
class BusAuthIT {
  private static TestService kvs;
  private static final Map<String, String> headers = new LinkedHashMap<>();

  /** A call through both doors: the HTTP request and the bus message. */
  private record Call(String name, HttpMethod method, String path, JsonObject httpBody, String address, JsonObject busBody) {}

  private static final List<Call> CALLS = List.of(
      new Call("read", HttpMethod.GET, "/v1/ns/alpha/kv/seed", null, "kvs.get", new JsonObject().put("ns", "alpha").put("key", "seed")),
      new Call("write", HttpMethod.PUT, "/v1/ns/alpha/kv/new", new JsonObject().put("value", 1),
          "kvs.write", new JsonObject().put("ns", "alpha").put("key", "new").put("value", 1)),
      new Call("bulk delete", HttpMethod.POST, "/v1/ns/alpha/bulk/delete", new JsonObject().put("keys", new JsonArray().add("seed")),
          "kvs.bulk.delete", new JsonObject().put("ns", "alpha").put("keys", new JsonArray().add("seed"))),
      new Call("catch-up", HttpMethod.GET, "/v1/ns/alpha/changes", null, "kvs.changesSince", new JsonObject().put("ns", "alpha")));

  @BeforeAll
  static void start() {
    kvs = TestService.start("bus_auth", Auth.on());
    Auth.createNamespace(kvs, "alpha", new JsonObject());
    Auth.createNamespace(kvs, "beta", new JsonObject());
    String readWrite = Auth.issue(kvs, "alpha", "read", "write").getString("token");
    JsonObject revoked = Auth.issue(kvs, "alpha", "read", "write");
    Auth.revoke(kvs, revoked.getString("id"));
    headers.put("no token", null);
    headers.put("malformed", "Basic abc");
    headers.put("unknown", "Bearer kvs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    headers.put("revoked", Auth.bearer(revoked.getString("token")));
    headers.put("other namespace", Auth.bearer(Auth.issue(kvs, "beta", "read", "write").getString("token")));
    headers.put("read only", Auth.bearer(Auth.issue(kvs, "alpha", "read").getString("token")));
    headers.put("write only", Auth.bearer(Auth.issue(kvs, "alpha", "write").getString("token")));
    headers.put("admin", Auth.bearer(Auth.ADMIN));
    headers.put("read and write", Auth.bearer(readWrite));
    HttpResponse<Buffer> seed = kvs.http.put("/v1/ns/alpha/kv/seed").putHeader("Authorization", Auth.bearer(readWrite))
        .sendJsonObject(new JsonObject().put("value", 0)).await();
    assertEquals(200, seed.statusCode());
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  void everyCredentialGetsTheStatusHttpGivesItAndARefusalChangesNothing() {
    for (Map.Entry<String, String> credential : headers.entrySet()) {
      if (credential.getKey().equals("read and write")) {
        continue; // last: its writes change the state the others are checked against
      }
      for (Call call : CALLS) {
        int http = http(call, credential.getValue());
        Answer bus = bus(call, credential.getValue());
        String what = call.name + " with " + credential.getKey();
        assertEquals(http, bus.status(), what + ": " + bus.body());
        if (http == 401 || http == 403) {
          assertEquals(http == 401 ? "unauthorized" : "forbidden", bus.body().getJsonObject("error").getString("code"), what);
        }
        if (http >= 400) {
          assertEquals(List.of("seed"), keys(), what + " changed nothing");
        } else {
          reseed(); // an allowed write or delete went through both doors: back to the one seed record
        }
      }
    }
    assertEquals(401, bus(CALLS.get(0), null).status(), "a missing token is 401, not an open door");
    assertEquals(403, bus(CALLS.get(1), headers.get("read only")).status(), "a read token cannot write");
    assertEquals(200, bus(CALLS.get(0), headers.get("read and write")).status());
    assertEquals(200, bus(CALLS.get(1), headers.get("read and write")).status());
    assertEquals(List.of("new", "seed"), keys());
  }

  @Test
  void aNamespaceOverItsRateGets429OnTheBusAsOverHttp() {
    Auth.createNamespace(kvs, "slow", new JsonObject().put("requestsPerSecond", 1));
    String token = Auth.bearer(Auth.issue(kvs, "slow", "read").getString("token"));
    JsonObject get = new JsonObject().put("ns", "slow").put("key", "k");
    DeliveryOptions options = new DeliveryOptions().addHeader("authorization", token);
    int status = 0;
    for (int i = 0; i < 5 && status != 429; i++) {
      try {
        kvs.vertx.eventBus().request("kvs.get", get, options).await();
      } catch (ReplyException e) {
        status = e.failureCode();
      }
    }
    assertEquals(429, status, "the bus shares the namespace's rate with HTTP");
  }

  private static int http(Call call, String authorization) {
    HttpRequest<Buffer> request = kvs.http.request(call.method, call.path);
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return (call.httpBody == null ? request.send() : request.sendJsonObject(call.httpBody)).await().statusCode();
  }

  private static Answer bus(Call call, String authorization) {
    String token = authorization == null ? null : authorization;
    DeliveryOptions options = new DeliveryOptions();
    if (token != null) {
      options.addHeader("authorization", token);
    }
    try {
      return new Answer(200, (JsonObject) kvs.vertx.eventBus().request(call.address, call.busBody, options).await().body());
    } catch (ReplyException e) {
      return new Answer(e.failureCode(), new JsonObject(e.getMessage()));
    }
  }

  private static void reseed() {
    kvs.execute("DELETE FROM kv WHERE ns = 'alpha'");
    kvs.execute("INSERT INTO kv (ns, key, value, created_at, expired_at) VALUES ('alpha', 'seed', '0', now(), now() + interval '1 day')");
  }

  private static List<String> keys() {
    try (var c = kvs.sql(); var s = c.createStatement();
         var r = s.executeQuery("SELECT key FROM kv WHERE ns = 'alpha' AND expired_at > now() ORDER BY key")) {
      List<String> keys = new java.util.ArrayList<>();
      while (r.next()) {
        keys.add(r.getString(1));
      }
      return keys;
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }
}
