package dev.kvs.client;

import static dev.kvs.client.FakeKvs.await;
import static dev.kvs.client.FakeKvs.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What each call sends (the event bus API's request bodies) and how it reads the reply. */
class KvsClientTest {
  private static final String CREATED = "2022-12-28T02:50:57.167Z";
  private static final String EXPIRES = "2022-12-29T02:50:57.167Z";

  private Vertx vertx;
  private FakeKvs kvs;
  private KvsClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    kvs = new FakeKvs(vertx);
    client = KvsClient.create(vertx, new KvsClientOptions("demo"));
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private static JsonObject record(Object value) {
    return new JsonObject().put("value", value).put("created_at", CREATED).put("expired_at", EXPIRES);
  }

  @Test
  void getSendsNamespaceAndKeyAndReadsTheWrappedRecord() throws Exception {
    kvs.replies(KvsClient.GET, new JsonObject().put("user:1",
        record(new JsonObject().put("name", "ada")).put("metadata", new JsonObject().put("v", 1))));

    KvsRecord got = await(client.get("user:1"));

    FakeKvs.Request request = kvs.request();
    assertEquals(new JsonObject().put("ns", "demo").put("key", "user:1"), request.body());
    assertNull(request.headers().get("authorization"), "no token, no header");
    assertEquals(new KvsRecord("user:1", new JsonObject().put("name", "ada"), new JsonObject().put("v", 1),
        Instant.parse(CREATED), Instant.parse(EXPIRES)), got);
    assertEquals(1672195857167L, got.createdAtMillis());
  }

  @Test
  void everyRequestCarriesTheBearerTokenWhenOneIsSet() throws Exception {
    KvsClient withToken = KvsClient.create(vertx, new KvsClientOptions("demo").setToken("kvs_secret"));
    kvs.replies(KvsClient.GET, new JsonObject().put("k", record(1)))
        .replies(KvsClient.BULK_DELETE, new JsonObject().put("deleted", 0))
        .replies(KvsClient.CHANGES_SINCE, new JsonObject().put("changes", new JsonArray())
            .put("list_complete", true).put("cursor", "c0"));

    await(withToken.get("k"));
    await(withToken.bulkDelete(List.of("k")));
    await(withToken.changesSince(null));

    for (int i = 0; i < 3; i++) {
      assertEquals("Bearer kvs_secret", kvs.request().headers().get("authorization"));
    }
  }

  @Test
  void valuesOfEveryJsonTypeComeBackAsVertxJsonTypes() {
    kvs.serves(KvsClient.WRITE, message -> message.reply(
        new JsonObject().put(message.body().getString("key"), record(message.body().getValue("value")))));

    assertEquals(new JsonArray().add(1).add("two"), await(client.write("a", new JsonArray().add(1).add("two"))).value());
    assertEquals(new JsonObject().put("x", true), await(client.write("o", new JsonObject().put("x", true))).value());
    assertEquals("text", await(client.write("s", "text")).value());
    assertEquals(42, ((Number) await(client.write("n", 42)).value()).intValue());
    assertEquals(1.5, ((Number) await(client.write("d", 1.5)).value()).doubleValue());
    assertEquals(Boolean.FALSE, await(client.write("b", false)).value());
  }

  @Test
  void writeSendsValueExpiryAndMetadataOnlyWhenSet() throws Exception {
    kvs.replies(KvsClient.WRITE, new JsonObject().put("k", record("v")));

    await(client.write("k", "v"));
    await(client.write("k", "v", new WriteOptions().setMinutesToExpire(60).setMetadata(new JsonObject().put("v", 2))));
    await(client.write("k", "v", new WriteOptions().setExpiresAt(Instant.ofEpochMilli(1_800_000_000_123L))));

    JsonObject base = new JsonObject().put("ns", "demo").put("key", "k").put("value", "v");
    assertEquals(base, kvs.request().body());
    assertEquals(base.copy().put("minutesToExpire", 60).put("metadata", new JsonObject().put("v", 2)), kvs.request().body());
    assertEquals(base.copy().put("expiresAt", 1_800_000_000_123L), kvs.request().body());
  }

  @Test
  void writeOptionsTakeMinutesOrAnInstantNotBoth() {
    assertThrows(IllegalStateException.class,
        () -> new WriteOptions().setMinutesToExpire(5).setExpiresAt(Instant.now()));
    assertThrows(IllegalStateException.class,
        () -> new WriteOptions().setExpiresAt(Instant.now()).setMinutesToExpire(5));
    WriteOptions switched = new WriteOptions().setMinutesToExpire(5).setMinutesToExpire(null).setExpiresAt(Instant.EPOCH);
    assertEquals(Instant.EPOCH, switched.getExpiresAt());
  }

  @Test
  void checkAndWriteSendsTheOperatorsSymbolAndTheTime() throws Exception {
    kvs.replies(KvsClient.CHECK_AND_WRITE, new JsonObject().put("k", record("v2")));

    KvsRecord written = await(client.checkAndWrite("k", "v2", Operator.EQ, 1672195857167L,
        new WriteOptions().setMinutesToExpire(5)));

    assertEquals(new JsonObject().put("ns", "demo").put("key", "k").put("value", "v2")
        .put("minutesToExpire", 5).put("operator", "=").put("unixtimeMs", 1672195857167L), kvs.request().body());
    assertEquals("v2", written.value());
  }

  @Test
  void operatorsAreSpelledAsTheApiSpellsThem() {
    assertEquals(List.of("<", "<=", "=", ">=", ">"),
        List.of(Operator.LT, Operator.LE, Operator.EQ, Operator.GE, Operator.GT).stream().map(Operator::symbol).toList());
  }

  @Test
  void deleteSendsTheKeyAndSucceedsOnAnEmptyObject() throws Exception {
    kvs.replies(KvsClient.DELETE, new JsonObject());

    assertNull(await(client.delete("a/b?..")));
    assertEquals(new JsonObject().put("ns", "demo").put("key", "a/b?.."), kvs.request().body());
  }

  @Test
  void listSendsOnlyTheOptionsSetAndReadsThePage() throws Exception {
    kvs.replies(KvsClient.LIST, new JsonObject()
        .put("keys", new JsonArray()
            .add(new JsonObject().put("name", "user:1").put("expired_at", EXPIRES).put("metadata", new JsonObject().put("v", 1)))
            .add(new JsonObject().put("name", "user:2").put("expired_at", EXPIRES)))
        .put("list_complete", false).put("cursor", "dXNlcjoy"));

    KvsPage page = await(client.list(new ListOptions().setPrefix("user:").setLimit(2)));
    await(client.list(new ListOptions().setCursor(page.cursor())));

    assertEquals(new JsonObject().put("ns", "demo").put("prefix", "user:").put("limit", 2), kvs.request().body());
    assertEquals(new JsonObject().put("ns", "demo").put("cursor", "dXNlcjoy"), kvs.request().body());
    assertEquals(List.of(
        new KvsListedKey("user:1", Instant.parse(EXPIRES), new JsonObject().put("v", 1)),
        new KvsListedKey("user:2", Instant.parse(EXPIRES), null)), page.keys());
    assertEquals(false, page.listComplete());
    assertEquals("dXNlcjoy", page.cursor());
  }

  @Test
  void aCompleteListingHasNoCursor() {
    kvs.replies(KvsClient.LIST, new JsonObject().put("keys", new JsonArray()).put("list_complete", true));

    KvsPage page = await(client.list(new ListOptions()));

    assertEquals(List.of(), page.keys());
    assertEquals(true, page.listComplete());
    assertNull(page.cursor());
  }

  @Test
  void bulkGetLeavesAbsentKeysOutAndKeepsTheOrderAsked() throws Exception {
    JsonObject reply = new JsonObject();
    reply.put("b", record(2));
    reply.putNull("gone");
    reply.put("a", record(1));
    kvs.replies(KvsClient.BULK_GET, reply);

    Map<String, KvsRecord> records = await(client.bulkGet(List.of("b", "gone", "a")));

    assertEquals(new JsonObject().put("ns", "demo").put("keys", new JsonArray().add("b").add("gone").add("a")),
        kvs.request().body());
    assertEquals(List.of("b", "a"), List.copyOf(records.keySet()));
    assertEquals(2, records.get("b").value());
    assertEquals("a", records.get("a").key());
    assertEquals(false, records.containsKey("gone"));
  }

  @Test
  void bulkWriteSendsOneItemPerWriteWithItsOptions() throws Exception {
    kvs.replies(KvsClient.BULK_WRITE, new JsonObject().put("written", 2));

    int written = await(client.bulkWrite(List.of(
        KvsWrite.of("a", 1),
        KvsWrite.of("b", new JsonObject().put("x", 1), new WriteOptions().setMinutesToExpire(5).setMetadata(new JsonObject())))));

    assertEquals(2, written);
    assertEquals(new JsonObject().put("ns", "demo").put("items", new JsonArray()
        .add(new JsonObject().put("key", "a").put("value", 1))
        .add(new JsonObject().put("key", "b").put("value", new JsonObject().put("x", 1))
            .put("minutesToExpire", 5).put("metadata", new JsonObject()))), kvs.request().body());
  }

  @Test
  void bulkDeleteSendsTheKeysAndReadsTheCount() throws Exception {
    kvs.replies(KvsClient.BULK_DELETE, new JsonObject().put("deleted", 1));

    assertEquals(1, await(client.bulkDelete(List.of("a", "b"))));
    assertEquals(new JsonObject().put("ns", "demo").put("keys", new JsonArray().add("a").add("b")), kvs.request().body());
  }

  @Test
  void changesSinceSendsCursorAndLimitAndReadsEveryOp() throws Exception {
    kvs.replies(KvsClient.CHANGES_SINCE, new JsonObject()
        .put("changes", new JsonArray()
            .add(new JsonObject().put("op", "write").put("key", "a").put("created_at", CREATED).put("expired_at", EXPIRES).put("cursor", "c1"))
            .add(new JsonObject().put("op", "delete").put("key", "b").put("created_at", CREATED).put("expired_at", EXPIRES).put("cursor", "c2"))
            .add(new JsonObject().put("op", "expire").put("key", "c").put("created_at", CREATED).put("expired_at", EXPIRES).put("cursor", "c3")))
        .put("list_complete", false).put("cursor", "c3"));

    KvsChangePage page = await(client.changesSince("c0", 3));
    await(client.changesSince(null, 10));

    assertEquals(new JsonObject().put("ns", "demo").put("cursor", "c0").put("limit", 3), kvs.request().body());
    assertEquals(new JsonObject().put("ns", "demo").put("limit", 10), kvs.request().body(), "no cursor: from the oldest");
    assertEquals(List.of(
        new KvsChange(KvsChange.Op.WRITE, "a", Instant.parse(CREATED), Instant.parse(EXPIRES), "c1"),
        new KvsChange(KvsChange.Op.DELETE, "b", Instant.parse(CREATED), Instant.parse(EXPIRES), "c2"),
        new KvsChange(KvsChange.Op.EXPIRE, "c", Instant.parse(CREATED), Instant.parse(EXPIRES), "c3")), page.changes());
    assertEquals(false, page.listComplete());
    assertEquals("c3", page.cursor());
  }

  @Test
  void aReplyOfAnotherShapeIsAnInvalidReplyNotAStrayException() {
    kvs.replies(KvsClient.GET, new JsonObject().put("k", new JsonObject().put("value", 1).put("created_at", "yesterday")))
        .replies(KvsClient.BULK_WRITE, new JsonObject().put("written", "two"))
        .serves(KvsClient.DELETE, message -> message.reply("not json"));

    for (Throwable failure : List.of(failure(client.get("k")), failure(client.bulkWrite(List.of(KvsWrite.of("k", 1)))),
        failure(client.delete("k")))) {
      KvsFailure invalid = assertInstanceOf(KvsFailure.class, failure);
      assertEquals(502, invalid.status());
      assertEquals(KvsFailure.INVALID_REPLY, invalid.code());
    }
  }

  @Test
  void optionsAreCheckedWhenTheClientIsCreated() {
    assertThrows(NullPointerException.class, () -> KvsClient.create(vertx, new KvsClientOptions()));
    assertThrows(IllegalArgumentException.class,
        () -> KvsClient.create(vertx, new KvsClientOptions("demo").setRequestTimeout(Duration.ZERO)));
    assertEquals("demo", client.namespace());
  }
}
