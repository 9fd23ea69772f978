package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.client.ConditionFailed;
import dev.kvs.client.KvsChange;
import dev.kvs.client.KvsClient;
import dev.kvs.client.KvsClientOptions;
import dev.kvs.client.KvsFailure;
import dev.kvs.client.KvsFollower;
import dev.kvs.client.KvsRecord;
import dev.kvs.client.KvsWrite;
import dev.kvs.client.ListOptions;
import dev.kvs.client.Operator;
import dev.kvs.client.WriteOptions;
import dev.kvs.support.Auth;
import dev.kvs.support.Await;
import dev.kvs.support.TestService;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The typed client (clients/java) against a real KVS, authentication on: every call and its typed failures. */
class KvsClientIT {
  private static TestService kvs;
  private static KvsClient client;

  @BeforeAll
  static void start() {
    kvs = TestService.start("kvs_client", Auth.on());
    Auth.createNamespace(kvs, "typed", new JsonObject());
    String token = Auth.issue(kvs, "typed", "read", "write").getString("token");
    client = KvsClient.create(kvs.vertx, new KvsClientOptions("typed").setToken(token));
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  void everyCallReturnsTypedRecordsAndTypedFailures() {
    KvsRecord written = client.write("user:1", new JsonObject().put("name", "ada"),
        new WriteOptions().setMinutesToExpire(5).setMetadata(new JsonObject().put("v", 1))).await();
    assertEquals("ada", ((JsonObject) written.value()).getString("name"));
    KvsRecord read = client.get("user:1").await();
    assertEquals(written.createdAt(), read.createdAt());
    assertEquals(1, read.metadata().getInteger("v"));

    KvsRecord swapped = client.checkAndWrite("user:1", "grace", Operator.EQ, read.createdAtMillis()).await();
    assertEquals("grace", swapped.value());
    ConditionFailed refused = assertInstanceOf(ConditionFailed.class,
        assertThrows(KvsFailure.class, () -> client.checkAndWrite("user:1", "x", Operator.EQ, read.createdAtMillis()).await()));
    assertEquals(404, refused.status());
    assertEquals("grace", refused.current().value(), "the refusal carries the live record");

    KvsFailure absent = assertThrows(KvsFailure.class, () -> client.get("nobody").await());
    assertEquals(404, absent.status());
    assertEquals(KvsFailure.NOT_FOUND, absent.code());
    KvsFailure invalid = assertThrows(KvsFailure.class, () -> client.write("bad key", 1).await());
    assertEquals(400, invalid.status());
    assertEquals("invalid_key", invalid.code());

    assertEquals(2, client.bulkWrite(List.of(KvsWrite.of("user:2", 2), KvsWrite.of("user:3", 3))).await());
    Map<String, KvsRecord> many = client.bulkGet(List.of("user:2", "user:9")).await();
    assertEquals(2, ((Number) many.get("user:2").value()).intValue());
    assertFalse(many.containsKey("user:9"));
    assertEquals(List.of("user:1", "user:2", "user:3"),
        client.list(new ListOptions().setPrefix("user:")).await().keys().stream().map(k -> k.name()).toList());
    assertEquals(1, client.bulkDelete(List.of("user:3", "user:9")).await());
    client.delete("user:2").await();
    assertThrows(KvsFailure.class, () -> client.get("user:2").await());
  }

  @Test
  void aTokenOfAnotherNamespaceIsAForbiddenFailure() {
    Auth.createNamespace(kvs, "elsewhere", new JsonObject());
    KvsClient wrong = KvsClient.create(kvs.vertx, new KvsClientOptions("typed")
        .setToken(Auth.issue(kvs, "elsewhere", "read").getString("token")));
    KvsFailure forbidden = assertThrows(KvsFailure.class, () -> wrong.get("anything").await());
    assertEquals(403, forbidden.status());
    KvsClient none = KvsClient.create(kvs.vertx, new KvsClientOptions("typed"));
    assertEquals(401, assertThrows(KvsFailure.class, () -> none.get("anything").await()).status());
  }

  @Test
  void changesArriveLiveAndAFollowerCatchesUpFromACursor() {
    String start = client.changesSince(null, 1000).await().cursor();
    List<KvsChange> live = Collections.synchronizedList(new ArrayList<>());
    var subscription = client.changes(live::add);
    subscription.ready().await();
    client.write("feed:1", 1).await();
    client.delete("feed:1").await();
    Await.until("two live changes", 10_000, () -> live.size() == 2);
    assertEquals(KvsChange.Op.WRITE, live.get(0).op());
    assertEquals(KvsChange.Op.DELETE, live.get(1).op());
    subscription.unregister().await();

    List<KvsChange> followed = Collections.synchronizedList(new ArrayList<>());
    KvsFollower follower = client.follow(start, followed::add);
    client.write("feed:2", 2).await();
    Await.until("the missed changes and the new one, in order", 10_000, () -> followed.size() >= 3);
    synchronized (followed) { // the follower's thread may still be adding
      assertEquals(List.of("feed:1", "feed:1", "feed:2"), followed.stream().map(KvsChange::key).toList());
    }
    follower.unregister();
    assertTrue(client.changesSince(follower.cursor(), 10).await().changes().isEmpty(), "the follower's cursor is at the end");
  }
}
