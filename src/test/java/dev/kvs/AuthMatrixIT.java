package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.access.TokenSecrets;
import dev.kvs.support.Auth;
import dev.kvs.support.TestService;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint against every kind of bad credentials: the status of API.md's Security section,
 * the error body, WWW-Authenticate on 401 and 403, and the database exactly as it was after every
 * refusal. Then the same endpoints with the right token, which must get through.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuthMatrixIT {
  private static TestService kvs;
  private static final Map<String, String> tokens = new LinkedHashMap<>();
  private static String adminTokenId;

  /** An endpoint: method, path, body (or null), and whether it is a data call that writes or reads, or admin. */
  private record Endpoint(String name, HttpMethod method, String path, String body, String kind) {}

  private static final List<Endpoint> ENDPOINTS = List.of(
      new Endpoint("get", HttpMethod.GET, "/v1/ns/alpha/kv/seed", null, "read"),
      new Endpoint("list", HttpMethod.GET, "/v1/ns/alpha/kv?prefix=s", null, "read"),
      new Endpoint("bulk get", HttpMethod.POST, "/v1/ns/alpha/bulk/get", "{\"keys\":[\"seed\"]}", "read"),
      new Endpoint("changes", HttpMethod.GET, "/v1/ns/alpha/changes", null, "read"),
      new Endpoint("write", HttpMethod.PUT, "/v1/ns/alpha/kv/seed", "{\"value\":\"new\"}", "write"),
      new Endpoint("conditional write", HttpMethod.PUT, "/v1/ns/alpha/kv/seed",
          "{\"value\":\"new\",\"operator\":\">\",\"unixtimeMs\":0}", "write"),
      new Endpoint("delete", HttpMethod.DELETE, "/v1/ns/alpha/kv/seed", null, "write"),
      new Endpoint("bulk write", HttpMethod.POST, "/v1/ns/alpha/bulk/write", "{\"items\":[{\"key\":\"n\",\"value\":1}]}", "write"),
      new Endpoint("bulk delete", HttpMethod.POST, "/v1/ns/alpha/bulk/delete", "{\"keys\":[\"seed\"]}", "write"),
      new Endpoint("create namespace", HttpMethod.POST, "/v1/admin/namespaces", "{\"name\":\"gamma\"}", "admin"),
      new Endpoint("list namespaces", HttpMethod.GET, "/v1/admin/namespaces", null, "admin"),
      new Endpoint("get namespace", HttpMethod.GET, "/v1/admin/namespaces/alpha", null, "admin"),
      new Endpoint("update namespace", HttpMethod.PATCH, "/v1/admin/namespaces/alpha", "{\"requestsPerSecond\":7}", "admin"),
      new Endpoint("delete namespace", HttpMethod.DELETE, "/v1/admin/namespaces/beta", null, "admin"),
      new Endpoint("issue token", HttpMethod.POST, "/v1/admin/namespaces/alpha/tokens", "{\"scopes\":[\"read\"]}", "admin"),
      new Endpoint("list tokens", HttpMethod.GET, "/v1/admin/namespaces/alpha/tokens", null, "admin"),
      new Endpoint("issue admin token", HttpMethod.POST, "/v1/admin/tokens", "{}", "admin"),
      new Endpoint("list admin tokens", HttpMethod.GET, "/v1/admin/tokens", null, "admin"),
      new Endpoint("revoke token", HttpMethod.DELETE, "/v1/admin/tokens/ADMIN_TOKEN_ID", null, "admin"));

  @BeforeAll
  static void start() throws Exception {
    kvs = TestService.start("auth_matrix", Auth.on());
    Auth.createNamespace(kvs, "alpha", new JsonObject());
    Auth.createNamespace(kvs, "beta", new JsonObject());
    tokens.put("readwrite", Auth.issue(kvs, "alpha", "read", "write").getString("token"));
    tokens.put("readonly", Auth.issue(kvs, "alpha", "read").getString("token"));
    tokens.put("writeonly", Auth.issue(kvs, "alpha", "write").getString("token"));
    tokens.put("other namespace", Auth.issue(kvs, "beta", "read", "write").getString("token"));
    JsonObject revoked = Auth.issue(kvs, "alpha", "read", "write");
    tokens.put("revoked", revoked.getString("token"));
    long expiry = System.currentTimeMillis() + 1_000;
    tokens.put("expired", Auth.issue(kvs, "alpha", new JsonObject().put("scopes", new io.vertx.core.json.JsonArray()
        .add("read").add("write")).put("expiresAt", expiry)).getString("token"));
    JsonObject admin = kvs.http.post("/v1/admin/tokens").putHeader("Authorization", Auth.bearer(Auth.ADMIN))
        .sendJsonObject(new JsonObject().put("description", "second admin")).await().bodyAsJsonObject();
    tokens.put("issued admin", admin.getString("token"));
    adminTokenId = admin.getString("id");
    // Used once before it is revoked, so a replica that cached it must forget it.
    assertEquals(404, send(ENDPOINTS.get(0), "Bearer " + revoked.getString("token")).statusCode());
    Auth.revoke(kvs, revoked.getString("id"));
    assertEquals(200, send(new Endpoint("seed", HttpMethod.PUT, "/v1/ns/alpha/kv/seed", "{\"value\":1}", "write"),
        Auth.bearer(tokens.get("readwrite"))).statusCode());
    Thread.sleep(Math.max(0, expiry - System.currentTimeMillis() + 50));
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  @Order(1)
  void everyRefusalHasItsStatusAndChangesNothing() throws Exception {
    Map<String, String> unauthenticated = new LinkedHashMap<>();
    unauthenticated.put("no token", null);
    unauthenticated.put("empty header", "");
    unauthenticated.put("basic scheme", "Basic YWRtaW46YWRtaW4=");
    unauthenticated.put("bearer without token", "Bearer");
    unauthenticated.put("two tokens", "Bearer a b");
    unauthenticated.put("not token characters", "Bearer kvs_\u00e9t\u00e9");
    unauthenticated.put("unknown token", Auth.bearer(TokenSecrets.newSecret()));
    unauthenticated.put("revoked token", Auth.bearer(tokens.get("revoked")));
    unauthenticated.put("expired token", Auth.bearer(tokens.get("expired")));

    String before = snapshot();
    List<String> wrong = new ArrayList<>();
    for (Endpoint e : ENDPOINTS) {
      for (Map.Entry<String, String> credentials : unauthenticated.entrySet()) {
        expect(e, credentials.getKey(), credentials.getValue(), 401, "unauthorized", before, wrong);
      }
      Map<String, String> forbidden = new LinkedHashMap<>();
      if (e.kind().equals("admin")) {
        forbidden.put("data token on the admin API", Auth.bearer(tokens.get("readwrite")));
      } else {
        forbidden.put("other namespace's token", Auth.bearer(tokens.get("other namespace")));
        forbidden.put("admin token on data", Auth.bearer(Auth.ADMIN));
        forbidden.put("issued admin token on data", Auth.bearer(tokens.get("issued admin")));
        forbidden.put(e.kind().equals("read") ? "write-only token on a read" : "read-only token on a write",
            Auth.bearer(tokens.get(e.kind().equals("read") ? "writeonly" : "readonly")));
      }
      for (Map.Entry<String, String> credentials : forbidden.entrySet()) {
        expect(e, credentials.getKey(), credentials.getValue(), 403, "forbidden", before, wrong);
      }
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
  }

  @Test
  @Order(2) // it deletes namespace beta and revokes the issued admin token, which the refusals use
  void theRightTokenGetsThroughEveryEndpoint() {
    for (Endpoint e : ENDPOINTS) {
      String token = e.kind().equals("admin") ? Auth.ADMIN
          : tokens.get(e.kind().equals("read") ? "readonly" : "writeonly");
      HttpResponse<Buffer> answer = send(e, Auth.bearer(token));
      int status = answer.statusCode();
      assertTrue(status == 200 || status == 201 || (e.name().equals("conditional write") && status == 404),
          e.name() + " -> " + status + " " + answer.bodyAsString());
    }
  }

  @Test
  @Order(3)
  void aDataCallOnANamespaceThatIsGoneIsNamespaceNotFoundAndAnAdminDeleteTakesItsTokens() {
    // A namespace whose deletion began behind this replica's back (another replica's, say) while a
    // token of it still stands: the token is valid, the namespace is not.
    Auth.createNamespace(kvs, "vanishing", new JsonObject());
    String vanishing = Auth.issue(kvs, "vanishing", "read").getString("token");
    kvs.execute("UPDATE namespaces SET deleting_since = now() WHERE name = 'vanishing'");
    HttpResponse<Buffer> gone = kvs.http.get("/v1/ns/vanishing/kv/x").putHeader("Authorization",
        Auth.bearer(vanishing)).send().await();
    assertEquals(404, gone.statusCode(), gone.bodyAsString());
    assertEquals("namespace_not_found", gone.bodyAsJsonObject().getJsonObject("error").getString("code"));

    String doomed = Auth.issue(kvs, Auth.createNamespace(kvs, "doomed", new JsonObject()).getString("name"), "read")
        .getString("token");
    HttpResponse<Buffer> deleted = kvs.http.delete("/v1/admin/namespaces/doomed").putHeader("Authorization",
        Auth.bearer(Auth.ADMIN)).send().await();
    assertEquals(200, deleted.statusCode());
    HttpResponse<Buffer> answer = kvs.http.get("/v1/ns/doomed/kv/x").putHeader("Authorization",
        Auth.bearer(doomed)).send().await();
    assertEquals(401, answer.statusCode(), "its tokens went with it: " + answer.bodyAsString());
    HttpResponse<Buffer> missing = kvs.http.get("/v1/admin/namespaces/nowhere").putHeader("Authorization",
        Auth.bearer(Auth.ADMIN)).send().await();
    assertEquals(404, missing.statusCode());
    assertEquals("namespace_not_found", missing.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }

  private static void expect(Endpoint e, String what, String authorization, int status, String code, String before,
      List<String> wrong) throws Exception {
    HttpResponse<Buffer> answer = send(e, authorization);
    String where = e.name() + " with " + what + ": " + answer.statusCode() + " " + answer.bodyAsString();
    if (answer.statusCode() != status) {
      wrong.add(where + " (expected " + status + ")");
      return;
    }
    JsonObject error = answer.bodyAsJsonObject().getJsonObject("error");
    if (error == null || !code.equals(error.getString("code")) || error.getInteger("status") != status) {
      wrong.add(where + " (expected code " + code + ")");
    }
    MultiMap headers = answer.headers();
    String challenge = headers.get("WWW-Authenticate");
    if (challenge == null || !challenge.startsWith("Bearer")) {
      wrong.add(where + " has no WWW-Authenticate: Bearer");
    }
    if (authorization != null && authorization.length() > 20 && answer.bodyAsString().contains(authorization.substring(7))) {
      wrong.add(where + " repeats the token");
    }
    String after = snapshot();
    if (!after.equals(before)) {
      wrong.add(where + " changed the database:\n" + before + "\n->\n" + after);
    }
  }

  private static HttpResponse<Buffer> send(Endpoint e, String authorization) {
    HttpRequest<Buffer> request = kvs.http.request(e.method(), e.path().replace("ADMIN_TOKEN_ID", adminTokenId));
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    if (e.body() == null) {
      return request.send().await();
    }
    return request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(e.body())).await();
  }

  /** Every row that a call could change: records, their change log, namespaces and their limits, tokens. */
  private static String snapshot() throws Exception {
    StringBuilder sb = new StringBuilder();
    try (Connection c = kvs.sql(); Statement s = c.createStatement()) {
      for (String query : new String[] {
          "SELECT ns, key, value, created_at, expired_at FROM kv ORDER BY ns, key",
          "SELECT txid, seq, ns, key, op, created_at, expired_at FROM kv_changes ORDER BY txid, seq",
          "SELECT name, max_ttl_minutes, max_value_bytes, max_metadata_bytes, requests_per_second, deleting_since,"
              + " created_txid FROM namespaces ORDER BY name",
          "SELECT id, namespace, scopes FROM tokens ORDER BY id"}) {
        try (ResultSet rs = s.executeQuery(query)) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int i = 1; i <= columns; i++) {
              sb.append(rs.getString(i)).append('|');
            }
            sb.append('\n');
          }
        }
      }
    }
    assertNotNull(sb);
    return sb.toString();
  }
}
