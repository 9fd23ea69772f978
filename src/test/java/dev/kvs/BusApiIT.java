package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.BusCalls;
import dev.kvs.support.BusCalls.Answer;
import dev.kvs.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The event bus door against the HTTP door: every address, its success and its errors, each case
 * run through both doors on the same state (two namespaces set up alike) and the answers compared:
 * the same status and the same body, but for times and cursors, which differ between two writes.
 */
class BusApiIT {
  private static TestService kvs;

  @BeforeAll
  static void start() {
    kvs = TestService.start("bus_api", Map.of("KVS_TTL_MAX_MINUTES", "1000", "KVS_TTL_DEFAULT_MINUTES", "60",
        "KVS_DB_LOCK_TIMEOUT_MS", "300", "KVS_CACHE_ENABLED", "false"));
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  /** One call as both doors take it: an HTTP request, and a bus address with its body. */
  record Case(String name, HttpMethod method, String path, JsonObject httpBody, String address, JsonObject busBody) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    JsonObject big = new JsonObject().put("items", new JsonArray(IntStream.range(0, 1000)
        .mapToObj(i -> new JsonObject().put("key", "k" + i).put("value", "x".repeat(900))).toList()));
    return Stream.of(
        c("get", HttpMethod.GET, "/kv/present", null, "kvs.get", k("present")),
        c("get absent", HttpMethod.GET, "/kv/absent", null, "kvs.get", k("absent")),
        c("get bad key", HttpMethod.GET, "/kv/a%20b", null, "kvs.get", k("a b")),
        c("write", HttpMethod.PUT, "/kv/w1", body("value", new JsonObject().put("n", 1)).put("minutesToExpire", 5),
            "kvs.write", k("w1").put("value", new JsonObject().put("n", 1)).put("minutesToExpire", 5)),
        c("write with metadata", HttpMethod.PUT, "/kv/w2", body("value", 2).put("metadata", new JsonObject().put("m", true)),
            "kvs.write", k("w2").put("value", 2).put("metadata", new JsonObject().put("m", true))),
        c("write without value", HttpMethod.PUT, "/kv/w3", new JsonObject(), "kvs.write", k("w3")),
        c("write null value", HttpMethod.PUT, "/kv/w3", body("value", null), "kvs.write", k("w3").putNull("value")),
        c("write unknown field", HttpMethod.PUT, "/kv/w3", body("value", 1).put("colour", "red"),
            "kvs.write", k("w3").put("value", 1).put("colour", "red")),
        c("write value too large", HttpMethod.PUT, "/kv/w3", body("value", "x".repeat(2000)),
            "kvs.write", k("w3").put("value", "x".repeat(2000))),
        c("write ttl over max", HttpMethod.PUT, "/kv/w3", body("value", 1).put("minutesToExpire", 1001),
            "kvs.write", k("w3").put("value", 1).put("minutesToExpire", 1001)),
        c("write ttl zero", HttpMethod.PUT, "/kv/w3", body("value", 1).put("minutesToExpire", 0),
            "kvs.write", k("w3").put("value", 1).put("minutesToExpire", 0)),
        c("checkAndWrite on absent", HttpMethod.PUT, "/kv/c1", body("value", 1).put("operator", "<").put("unixtimeMs", 1),
            "kvs.checkAndWrite", k("c1").put("value", 1).put("operator", "<").put("unixtimeMs", 1)),
        c("checkAndWrite refused", HttpMethod.PUT, "/kv/present", body("value", 1).put("operator", "<").put("unixtimeMs", 1),
            "kvs.checkAndWrite", k("present").put("value", 1).put("operator", "<").put("unixtimeMs", 1)),
        c("checkAndWrite bad operator", HttpMethod.PUT, "/kv/c2", body("value", 1).put("operator", "~").put("unixtimeMs", 1),
            "kvs.checkAndWrite", k("c2").put("value", 1).put("operator", "~").put("unixtimeMs", 1)),
        c("checkAndWrite operator alone", HttpMethod.PUT, "/kv/c2", body("value", 1).put("operator", "="),
            "kvs.checkAndWrite", k("c2").put("value", 1).put("operator", "=")),
        c("delete", HttpMethod.DELETE, "/kv/doomed", null, "kvs.delete", k("doomed")),
        c("delete absent", HttpMethod.DELETE, "/kv/absent", null, "kvs.delete", k("absent")),
        c("list", HttpMethod.GET, "/kv?prefix=p&limit=2", null, "kvs.list", ns().put("prefix", "p").put("limit", 2)),
        c("list all", HttpMethod.GET, "/kv", null, "kvs.list", ns()),
        c("list limit 0", HttpMethod.GET, "/kv?limit=0", null, "kvs.list", ns().put("limit", 0)),
        c("list bad cursor", HttpMethod.GET, "/kv?cursor=%21%21", null, "kvs.list", ns().put("cursor", "!!")),
        c("bulk get", HttpMethod.POST, "/bulk/get", keys("present", "absent"), "kvs.bulk.get", ns().mergeIn(keys("present", "absent"))),
        c("bulk get too many", HttpMethod.POST, "/bulk/get", keys(IntStream.range(0, 101).mapToObj(i -> "k" + i).toArray(String[]::new)),
            "kvs.bulk.get", ns().mergeIn(keys(IntStream.range(0, 101).mapToObj(i -> "k" + i).toArray(String[]::new)))),
        c("bulk write", HttpMethod.POST, "/bulk/write", items("b1", "b2"), "kvs.bulk.write", ns().mergeIn(items("b1", "b2"))),
        c("bulk write bad item", HttpMethod.POST, "/bulk/write", new JsonObject().put("items", new JsonArray().add(new JsonObject().put("key", "x"))),
            "kvs.bulk.write", ns().put("items", new JsonArray().add(new JsonObject().put("key", "x")))),
        c("bulk write too large", HttpMethod.POST, "/bulk/write", big, "kvs.bulk.write", ns().mergeIn(big)),
        c("bulk delete", HttpMethod.POST, "/bulk/delete", keys("p1", "absent"), "kvs.bulk.delete", ns().mergeIn(keys("p1", "absent"))),
        c("changes bad cursor", HttpMethod.GET, "/changes?cursor=nope", null, "kvs.changesSince", ns().put("cursor", "nope")),
        c("changes bad limit", HttpMethod.GET, "/changes?limit=5000", null, "kvs.changesSince", ns().put("limit", 5000)),
        c("changes", HttpMethod.GET, "/changes?limit=3", null, "kvs.changesSince", ns().put("limit", 3)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theBusAnswersEveryCaseAsHttpDoes(Case c) {
    String httpNs = "h" + Math.abs(c.name.hashCode());
    String busNs = "b" + Math.abs(c.name.hashCode());
    prepare(httpNs);
    prepare(busNs);

    HttpRequest<Buffer> request = kvs.http.request(c.method, "/v1/ns/" + httpNs + c.path);
    HttpResponse<Buffer> http = c.httpBody == null ? request.send().await() : request.sendJsonObject(c.httpBody).await();
    Answer bus = BusCalls.request(kvs.vertx, c.address, c.busBody.copy().put("ns", busNs));

    assertEquals(http.statusCode(), bus.status(), c.name + ": status; HTTP said " + http.bodyAsString() + ", the bus " + bus.body());
    assertEquals(comparable(http.bodyAsString(), httpNs), comparable(bus.body().encode(), busNs), c.name + ": body");
    if (http.statusCode() == 200 && c.method != HttpMethod.GET) {
      // The write landed through both doors alike: the stored states compare equal too.
      assertEquals(dump(httpNs), dump(busNs), c.name + ": stored state");
    }
  }

  @Test
  void aRowHeldByAnotherWriterIs409ConflictThroughBothDoors() throws Exception {
    prepare("locked");
    try (var c = kvs.sql(); var s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("SELECT 1 FROM kv WHERE ns = 'locked' AND key = 'present' FOR UPDATE");
      HttpResponse<Buffer> http = kvs.http.put("/v1/ns/locked/kv/present").sendJsonObject(new JsonObject().put("value", 1)).await();
      Answer bus = BusCalls.request(kvs.vertx, "kvs.write", new JsonObject().put("ns", "locked").put("key", "present").put("value", 1));
      assertEquals(409, http.statusCode(), http.bodyAsString());
      assertEquals(409, bus.status(), bus.body().encode());
      assertEquals("conflict", bus.body().getJsonObject("error").getString("code"));
      c.rollback();
    }
    assertEquals("\"present\"", dump("locked").lines().filter(l -> l.startsWith("present=")).findFirst().orElseThrow()
        .substring("present=".length()).split("\\|")[0], "neither door wrote");
  }

  @Test
  void aBusBodyThatIsNoJsonObjectIsInvalidJson() {
    Answer answer = BusCalls.request(kvs.vertx, "kvs.get", "not json");
    assertEquals(400, answer.status());
    assertEquals("invalid_json", answer.body().getJsonObject("error").getString("code"));
  }

  @Test
  void aRequestWithoutNamespaceOrKeySaysWhichIsMissing() {
    assertEquals("invalid_namespace", code(BusCalls.request(kvs.vertx, "kvs.get", new JsonObject().put("key", "a")), 400));
    assertEquals("invalid_key", code(BusCalls.request(kvs.vertx, "kvs.get", ns().put("ns", "x")), 400));
    assertEquals("invalid_key", code(BusCalls.request(kvs.vertx, "kvs.write", ns().put("ns", "x").put("key", 7).put("value", 1)), 400));
  }

  @Test
  void checkAndWriteWithoutACondition_isRefusedAndWritesNothing() {
    Answer answer = BusCalls.request(kvs.vertx, "kvs.checkAndWrite", ns().put("ns", "cw").put("key", "k").put("value", 1));
    assertEquals("invalid_operator", code(answer, 400));
    assertEquals(0, kvs.count("ns = 'cw'"));
  }

  @Test
  void theBusCountsRequestsPerAddressAndStatus() {
    BusCalls.request(kvs.vertx, "kvs.get", ns().put("ns", "m").put("key", "none"));
    String scrape = kvs.http.get("/metrics").send().await().bodyAsString();
    assertTrue(scrape.contains("kvs_bus_requests_seconds_count{address=\"kvs.get\",status=\"404\"}"), scrape.lines()
        .filter(l -> l.startsWith("kvs_bus")).toList().toString());
  }

  private static String code(Answer answer, int status) {
    assertEquals(status, answer.status(), answer.body().encode());
    return answer.body().getJsonObject("error").getString("code");
  }

  /** The same records in a namespace: "present", "doomed", "p1".."p3". */
  private static void prepare(String ns) {
    for (String key : List.of("present", "doomed", "p1", "p2", "p3")) {
      HttpResponse<Buffer> put = kvs.http.put("/v1/ns/" + ns + "/kv/" + key)
          .sendJsonObject(new JsonObject().put("value", key).put("metadata", new JsonObject().put("of", key))).await();
      assertEquals(200, put.statusCode(), put.bodyAsString());
    }
  }

  private static String dump(String ns) {
    List<String> rows = new ArrayList<>();
    try (var c = kvs.sql(); var s = c.createStatement();
         var r = s.executeQuery("SELECT key, value, metadata, expired_at > now(), extract(epoch from expired_at - created_at)::bigint / 60"
             + " FROM kv WHERE ns = '" + ns + "' ORDER BY key")) {
      while (r.next()) {
        rows.add(r.getString(1) + "=" + r.getString(2) + "|" + r.getString(3) + "|" + r.getBoolean(4) + "|" + r.getLong(5));
      }
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
    return String.join("\n", rows);
  }

  /** Times and cursors differ between any two writes; namespaces differ by design. */
  private static String comparable(String body, String ns) {
    return new JsonObject(body).encode()
        .replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z", "<time>")
        .replaceAll("\"cursor\":\"[^\"]*\"", "\"cursor\":\"<cursor>\"")
        .replace(ns, "<ns>");
  }

  private static Case c(String name, HttpMethod method, String path, JsonObject httpBody, String address, JsonObject busBody) {
    return new Case(name, method, path, httpBody, address, busBody);
  }

  private static JsonObject ns() {
    return new JsonObject();
  }

  private static JsonObject k(String key) {
    return new JsonObject().put("key", key);
  }

  private static JsonObject body(String field, Object value) {
    return new JsonObject().put(field, value);
  }

  private static JsonObject keys(String... keys) {
    return new JsonObject().put("keys", new JsonArray(List.of((Object[]) keys)));
  }

  private static JsonObject items(String... keys) {
    JsonArray items = new JsonArray();
    for (String key : keys) {
      items.add(new JsonObject().put("key", key).put("value", key).put("minutesToExpire", 10));
    }
    return new JsonObject().put("items", items);
  }
}
