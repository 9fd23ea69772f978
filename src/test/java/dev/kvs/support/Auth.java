package dev.kvs.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;

/** Authentication for tests: a service with auth on, and the admin calls that set up namespaces and tokens. */
public final class Auth {
  /** The KVS_ADMIN_TOKEN of the services these tests start. */
  public static final String ADMIN = "kvs_test-admin-token-0123456789abcdefghijklmnop";

  private Auth() {}

  /** Settings for a service with authentication on and {@link #ADMIN} as its admin token. */
  public static Map<String, String> on() {
    return Map.of("KVS_AUTH", "on", "KVS_ADMIN_TOKEN", ADMIN);
  }

  public static String bearer(String token) {
    return "Bearer " + token;
  }

  /** Creates a namespace ({@code limits} may be empty); the created namespace's JSON. */
  public static JsonObject createNamespace(TestService kvs, String name, JsonObject limits) {
    HttpResponse<Buffer> created = kvs.http.post("/v1/admin/namespaces").putHeader("Authorization", bearer(ADMIN))
        .sendJsonObject(limits.copy().put("name", name)).await();
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject();
  }

  /** Issues a token of the namespace with these scopes; the answer, with "token" and "id". */
  public static JsonObject issue(TestService kvs, String ns, String... scopes) {
    return issue(kvs, ns, new JsonObject().put("scopes", new JsonArray(java.util.List.of((Object[]) scopes))));
  }

  public static JsonObject issue(TestService kvs, String ns, JsonObject body) {
    HttpResponse<Buffer> issued = kvs.http.post("/v1/admin/namespaces/" + ns + "/tokens")
        .putHeader("Authorization", bearer(ADMIN)).sendJsonObject(body).await();
    assertEquals(201, issued.statusCode(), issued.bodyAsString());
    return issued.bodyAsJsonObject();
  }

  public static void revoke(TestService kvs, String id) {
    HttpResponse<Buffer> revoked = kvs.http.delete("/v1/admin/tokens/" + id).putHeader("Authorization", bearer(ADMIN))
        .send().await();
    assertEquals(200, revoked.statusCode(), revoked.bodyAsString());
  }
}
