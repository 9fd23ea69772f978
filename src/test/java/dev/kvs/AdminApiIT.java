package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.access.TokenSecrets;
import dev.kvs.json.IsoTime;
import dev.kvs.support.Auth;
import dev.kvs.support.Await;
import dev.kvs.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admin API: namespaces and their limits, tokens kept only as hashes, namespace deletion. */
class AdminApiIT {
  private static TestService kvs;

  @BeforeAll
  static void start() {
    Map<String, String> env = new java.util.HashMap<>(Auth.on());
    // The purge finishes a deletion once no write begun before it can run: statement timeout + 1 s.
    env.putAll(Map.of("KVS_DB_STATEMENT_TIMEOUT_MS", "1000", "KVS_PURGE_ENABLED", "true",
        "KVS_PURGE_INTERVAL_MS", "3600000", "KVS_PURGE_BATCH_SIZE", "100"));
    kvs = TestService.start("admin_api", env);
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  private static HttpResponse<Buffer> admin(HttpMethod method, String path, String body) {
    var request = kvs.http.request(method, path).putHeader("Authorization", Auth.bearer(Auth.ADMIN));
    return body == null ? request.send().await()
        : request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)).await();
  }

  private static void assertError(HttpResponse<Buffer> answer, int status, String code) {
    assertEquals(status, answer.statusCode(), answer.bodyAsString());
    assertEquals(code, answer.bodyAsJsonObject().getJsonObject("error").getString("code"), answer.bodyAsString());
  }

  @Test
  void namespacesAreCreatedListedConfiguredAndRefusedPrecisely() {
    JsonObject created = Auth.createNamespace(kvs, "orders", new JsonObject().put("maxTtlMinutes", 60)
        .put("requestsPerSecond", 100));
    assertEquals(60, created.getLong("maxTtlMinutes"));
    assertEquals(1024, created.getInteger("maxValueBytes"), "unset limits show the server default");
    assertEquals(100, created.getInteger("requestsPerSecond"));
    assertTrue(IsoTime.parse(created.getString("created_at")) > 0);

    assertError(admin(HttpMethod.POST, "/v1/admin/namespaces", "{\"name\":\"orders\"}"), 409, "already_exists");
    assertError(admin(HttpMethod.POST, "/v1/admin/namespaces", "{\"name\":\"Orders!\"}"), 400, "invalid_namespace");
    assertError(admin(HttpMethod.POST, "/v1/admin/namespaces", "{\"name\":\"x\",\"colour\":1}"), 400, "unknown_field");
    assertError(admin(HttpMethod.POST, "/v1/admin/namespaces", "{\"name\":\"x\",\"maxTtlMinutes\":525600001}"), 400,
        "invalid_limit");
    assertError(admin(HttpMethod.POST, "/v1/admin/namespaces", "{\"name\":\"x\",\"requestsPerSecond\":-1}"), 400,
        "invalid_limit");
    assertError(admin(HttpMethod.POST, "/v1/admin/namespaces", "{\"name\":\"x\",\"maxValueBytes\":1000000}"), 400,
        "invalid_limit");
    assertError(admin(HttpMethod.POST, "/v1/admin/namespaces", "[1]"), 400, "invalid_json");
    HttpResponse<Buffer> text = kvs.http.post("/v1/admin/namespaces").putHeader("Authorization", Auth.bearer(Auth.ADMIN))
        .putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer("{\"name\":\"x\"}")).await();
    assertError(text, 415, "unsupported_media_type");
    assertError(admin(HttpMethod.GET, "/v1/admin/namespaces/x", null), 404, "namespace_not_found");

    assertTrue(admin(HttpMethod.GET, "/v1/admin/namespaces", null).bodyAsJsonObject().getJsonArray("namespaces")
        .stream().anyMatch(n -> ((JsonObject) n).getString("name").equals("orders")));
    JsonObject patched = admin(HttpMethod.PATCH, "/v1/admin/namespaces/orders",
        "{\"maxTtlMinutes\":null,\"maxValueBytes\":16}").bodyAsJsonObject();
    assertEquals(44_640, patched.getLong("maxTtlMinutes"), "null goes back to the default");
    assertEquals(16, patched.getInteger("maxValueBytes"));
    assertEquals(100, patched.getInteger("requestsPerSecond"), "what the patch does not name stays");
    assertEquals(patched, admin(HttpMethod.GET, "/v1/admin/namespaces/orders", null).bodyAsJsonObject());
  }

  @Test
  void aNamespacesLimitsHoldItsWrites() {
    Auth.createNamespace(kvs, "small", new JsonObject().put("maxTtlMinutes", 5).put("maxValueBytes", 10)
        .put("maxMetadataBytes", 12));
    String token = Auth.issue(kvs, "small", "read", "write").getString("token");
    assertError(put("small", token, "k", "{\"value\":\"0123456789\"}"), 400, "invalid_value");
    assertError(put("small", token, "k", "{\"value\":1,\"minutesToExpire\":6}"), 400, "invalid_ttl");
    assertError(put("small", token, "k", "{\"value\":1,\"metadata\":{\"abcdefgh\":1}}"), 400, "invalid_metadata");
    assertEquals(0, kvs.count("ns = 'small'"), "refused writes wrote nothing");
    HttpResponse<Buffer> ok = put("small", token, "k", "{\"value\":\"012345\"}");
    assertEquals(200, ok.statusCode(), ok.bodyAsString());
    JsonObject record = ok.bodyAsJsonObject().getJsonObject("k");
    long ttl = IsoTime.parse(record.getString("expired_at")) - IsoTime.parse(record.getString("created_at"));
    assertEquals(5 * 60_000L, ttl, "the default TTL (one day) is cut to the namespace's maximum");
  }

  @Test
  void tokensAreShownOnceAndStoredOnlyAsHashes() throws Exception {
    Auth.createNamespace(kvs, "secrets", new JsonObject());
    JsonObject issued = Auth.issue(kvs, "secrets", new JsonObject().put("scopes", new io.vertx.core.json.JsonArray()
        .add("read")).put("description", "reporting job"));
    String secret = issued.getString("token");
    assertTrue(secret.matches("kvs_[A-Za-z0-9_-]{43}"), secret);
    assertEquals("secrets", issued.getString("namespace"));
    assertEquals(List.of("read"), issued.getJsonArray("scopes").getList());

    JsonObject listed = admin(HttpMethod.GET, "/v1/admin/namespaces/secrets/tokens", null).bodyAsJsonObject();
    assertEquals(1, listed.getJsonArray("tokens").size());
    JsonObject entry = listed.getJsonArray("tokens").getJsonObject(0);
    assertEquals(issued.getString("id"), entry.getString("id"));
    assertEquals("reporting job", entry.getString("description"));
    assertFalse(listed.encode().contains(secret.substring(4)), "a listing never shows a secret");

    try (Connection c = kvs.sql(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT * FROM tokens WHERE id = '" + issued.getString("id") + "'")) {
      assertTrue(rs.next());
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        String column = rs.getString(i);
        assertFalse(column != null && column.contains(secret.substring(4)), "the secret is stored nowhere");
      }
      assertArrayEquals(TokenSecrets.hash(secret), rs.getBytes("secret_hash"));
    }

    assertError(admin(HttpMethod.POST, "/v1/admin/namespaces/secrets/tokens", "{\"scopes\":[\"admin\"]}"), 400,
        "invalid_scopes");
    assertError(admin(HttpMethod.POST, "/v1/admin/namespaces/secrets/tokens", "{\"scopes\":[]}"), 400, "invalid_scopes");
    assertError(admin(HttpMethod.POST, "/v1/admin/namespaces/secrets/tokens",
        "{\"scopes\":[\"read\"],\"expiresAt\":1000}"), 400, "invalid_expires_at");
    assertError(admin(HttpMethod.POST, "/v1/admin/tokens", "{\"scopes\":[\"read\"]}"), 400, "invalid_scopes");
    assertError(admin(HttpMethod.POST, "/v1/admin/namespaces/none/tokens", "{\"scopes\":[\"read\"]}"), 404,
        "namespace_not_found");
    assertError(admin(HttpMethod.DELETE, "/v1/admin/tokens/tok_nothing", null), 404, "token_not_found");

    JsonObject adminToken = admin(HttpMethod.POST, "/v1/admin/tokens", "{\"description\":\"ops\"}").bodyAsJsonObject();
    assertEquals(List.of("admin"), adminToken.getJsonArray("scopes").getList());
    HttpResponse<Buffer> withIt = kvs.http.get("/v1/admin/namespaces").putHeader("Authorization",
        Auth.bearer(adminToken.getString("token"))).send().await();
    assertEquals(200, withIt.statusCode(), "an issued admin token administers");
    assertTrue(admin(HttpMethod.GET, "/v1/admin/tokens", null).bodyAsString().contains(adminToken.getString("id")));
  }

  @Test
  void deletingANamespaceUnderConcurrentWritesLeavesNothingBehind() throws Exception {
    Auth.createNamespace(kvs, "doomed", new JsonObject());
    Auth.createNamespace(kvs, "bystander", new JsonObject());
    String doomed = Auth.issue(kvs, "doomed", "write").getString("token");
    String bystander = Auth.issue(kvs, "bystander", "read", "write").getString("token");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger bystanderFailures = new AtomicInteger();
    AtomicInteger doomedWritten = new AtomicInteger();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      int writer = w;
      writers.add(Thread.ofVirtual().start(() -> {
        for (int i = 0; !stop.get(); i++) {
          int status = put("doomed", doomed, "w" + writer + "-" + i, "{\"value\":" + i + "}").statusCode();
          if (status == 200) {
            doomedWritten.incrementAndGet();
          }
          if (put("bystander", bystander, "w" + writer + "-" + (i % 50), "{\"value\":" + i + "}").statusCode() != 200) {
            bystanderFailures.incrementAndGet();
          }
        }
      }));
    }
    try {
      Await.until("500 writes into the namespace to delete", 60_000, () -> doomedWritten.get() >= 500);
    } catch (AssertionError e) {
      stop.set(true); // the writers end with the test
      throw e;
    }
    HttpResponse<Buffer> deleted = admin(HttpMethod.DELETE, "/v1/admin/namespaces/doomed", null);
    assertEquals(200, deleted.statusCode(), deleted.bodyAsString());
    Thread.sleep(200);
    stop.set(true);
    for (Thread t : writers) {
      t.join();
    }
    assertEquals(0, bystanderFailures.get(), "other namespaces are served throughout");
    assertError(put("doomed", doomed, "late", "{\"value\":1}"), 401, "unauthorized");
    assertError(admin(HttpMethod.GET, "/v1/admin/namespaces/doomed", null), 404, "namespace_not_found");
    assertTrue(kvs.count("ns = 'doomed'") <= 8, "at most a write in flight per writer can land after the sweep");

    // A run finishes the deletion once the purge grace (statement timeout 1 s + 1 s) has passed.
    Await.until("a purge run that finished the deletion", 15_000, () -> {
      kvs.app.purge().runOnce().await();
      return kvs.rows("namespaces", "name = 'doomed'") == 0;
    });
    assertEquals(0, kvs.count("ns = 'doomed'"), "nothing left behind");
    assertEquals(0, kvs.rows("kv_changes", "ns = 'doomed'"), "nor in the change log: the late writes' changes went too");
    assertTrue(kvs.count("ns = 'bystander'") > 0);

    Auth.createNamespace(kvs, "doomed", new JsonObject());
    String again = Auth.issue(kvs, "doomed", "read").getString("token");
    HttpResponse<Buffer> list = kvs.http.get("/v1/ns/doomed/kv").putHeader("Authorization", Auth.bearer(again)).send().await();
    assertEquals("[]", list.bodyAsJsonObject().getJsonArray("keys").encode(), "a namespace created again starts empty");
  }

  @Test
  void creatingANamespaceWhoseDeletionIsPendingFinishesItFirst() {
    Auth.createNamespace(kvs, "phoenix", new JsonObject());
    kvs.execute("INSERT INTO kv SELECT 'phoenix', 'k' || i, '1', NULL, now(), now() + interval '1 day'"
        + " FROM generate_series(1, 250) i");
    kvs.execute("INSERT INTO kv_changes (ns, key, op, created_at, expired_at)"
        + " SELECT 'phoenix', 'k' || i, 'write', now(), now() + interval '1 day' FROM generate_series(1, 250) i");
    kvs.execute("UPDATE namespaces SET deleting_since = now() WHERE name = 'phoenix'"); // a deletion cut short
    Auth.createNamespace(kvs, "phoenix", new JsonObject());
    assertEquals(0, kvs.count("ns = 'phoenix'"));
    assertEquals(0, kvs.rows("kv_changes", "ns = 'phoenix'"), "its changes, three batches of them, went first too");
  }

  @Test
  void aNamespaceCreatedAgainShowsNoneOfTheChangesOfTheOneDeletedBeforeIt() {
    Auth.createNamespace(kvs, "reborn", new JsonObject());
    String before = Auth.issue(kvs, "reborn", "read", "write").getString("token");
    for (int i = 0; i < 250; i++) { // more than two batches (KVS_PURGE_BATCH_SIZE is 100 here)
      assertEquals(200, put("reborn", before, "old-" + i, "{\"value\":" + i + "}").statusCode());
    }
    Await.until("the old keys in the change log", 10_000, () -> changes("reborn", before).size() == 250);
    String oldCursor = changesPage("reborn", before).getString("cursor");

    assertEquals(200, admin(HttpMethod.DELETE, "/v1/admin/namespaces/reborn", null).statusCode());
    assertEquals(0, kvs.rows("kv_changes", "ns = 'reborn'"), "the deletion took the namespace's changes, keys and times, with its records");

    Auth.createNamespace(kvs, "reborn", new JsonObject());
    String after = Auth.issue(kvs, "reborn", "read", "write").getString("token");
    // A change of the old namespace that a deletion left behind all the same (a late write's, say):
    // logged by a transaction older than the namespace's creation.
    kvs.execute("INSERT INTO kv_changes (txid, ns, key, op, created_at, expired_at) VALUES ('"
        + oldCursor.split("-")[0] + "', 'reborn', 'old-left-behind', 'write', now(), now() + interval '1 day')");
    assertEquals(200, put("reborn", after, "new", "{\"value\":1}").statusCode());
    Await.until("the new key in the change log", 10_000, () -> !changes("reborn", after).isEmpty());
    assertEquals(List.of("write new"), changes("reborn", after), "the new namespace's own changes, and only those");
    HttpResponse<Buffer> fromOldCursor = kvs.http.get("/v1/ns/reborn/changes?cursor=" + oldCursor)
        .putHeader("Authorization", Auth.bearer(after)).send().await();
    assertEquals(List.of("new"), fromOldCursor.bodyAsJsonObject().getJsonArray("changes").stream()
        .map(c -> ((JsonObject) c).getString("key")).toList(), "nor from a cursor of the old namespace");
  }

  /** The namespace's changes from the oldest kept, as "op key". */
  private static List<String> changes(String ns, String token) {
    return changesPage(ns, token).getJsonArray("changes").stream()
        .map(c -> ((JsonObject) c).getString("op") + " " + ((JsonObject) c).getString("key")).toList();
  }

  private static JsonObject changesPage(String ns, String token) {
    HttpResponse<Buffer> page = kvs.http.get("/v1/ns/" + ns + "/changes").putHeader("Authorization", Auth.bearer(token))
        .send().await();
    assertEquals(200, page.statusCode(), page.bodyAsString());
    return page.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> put(String ns, String token, String key, String body) {
    Future<HttpResponse<Buffer>> sent = kvs.http.put(TestService.path(ns, key)).putHeader("Authorization", Auth.bearer(token))
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body));
    return sent.await();
  }
}
