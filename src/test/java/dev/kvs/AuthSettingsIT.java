package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.config.KvsConfig;
import dev.kvs.support.Auth;
import dev.kvs.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Authentication on by default, how a first start is refused, and what "off" means for namespaces. */
class AuthSettingsIT {

  @Test
  void authenticationIsOnUnlessTurnedOff() {
    Map<String, String> env = Map.of("KVS_ADMIN_TOKEN", Auth.ADMIN);
    assertTrue(KvsConfig.fromEnv(env).auth().enabled());
    assertTrue(!KvsConfig.fromEnv(Map.of("KVS_AUTH", "off")).auth().enabled());
    IllegalArgumentException shortToken = assertThrows(IllegalArgumentException.class,
        () -> KvsConfig.fromEnv(Map.of("KVS_ADMIN_TOKEN", "secret")));
    assertTrue(shortToken.getMessage().contains("KVS_ADMIN_TOKEN") && !shortToken.getMessage().contains("secret "),
        shortToken.getMessage());
  }

  @Test
  void aStartWithAuthOnAndNoAdminTokenIsRefusedSayingHowToMakeOne() {
    Map<String, String> env = new HashMap<>(Auth.on());
    TestService first = TestService.start("auth_first_start", env);
    try {
      Map<String, String> noToken = Map.of("KVS_AUTH", "on");
      Throwable refused = assertThrows(Throwable.class,
          () -> TestService.start("auth_no_admin", noToken).close());
      String message = Main.explainStartFailure(KvsConfig.fromEnv(noToken), refused);
      assertTrue(message.contains("export KVS_ADMIN_TOKEN=") && message.contains("KVS_AUTH=off"), message);

      // Once an admin token is stored, the variable is no longer needed.
      HttpResponse<Buffer> issued = first.http.post("/v1/admin/tokens").putHeader("Authorization", Auth.bearer(Auth.ADMIN))
          .sendJsonObject(new io.vertx.core.json.JsonObject()).await();
      assertEquals(201, issued.statusCode());
      first.replica(noToken).close();
    } finally {
      first.close();
    }
  }

  @Test
  void withAuthOffAValidWriteCreatesItsNamespaceAndARefusedOneCreatesNothing() {
    try (TestService kvs = TestService.start("auth_off", Map.of("KVS_AUTH", "off"))) {
      assertEquals(400, kvs.http.put(TestService.path("fresh", "k")).putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer("{\"value\":null}")).await().statusCode());
      assertEquals(404, kvs.http.get(TestService.path("fresh", "k")).send().await().statusCode(), "reads create nothing");
      assertEquals(0, kvs.rows("namespaces", "name = 'fresh'"));
      assertEquals(200, kvs.http.put(TestService.path("fresh", "k")).putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer("{\"value\":1}")).await().statusCode());
      assertEquals(1, kvs.rows("namespaces", "name = 'fresh'"));
      assertEquals(200, kvs.http.get("/v1/admin/namespaces/fresh").send().await().statusCode(),
          "with auth off the admin API is open too");
    }
  }
}
