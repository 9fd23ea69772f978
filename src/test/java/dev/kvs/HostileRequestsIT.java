package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.metrics.Metrics;
import dev.kvs.support.RawHttp;
import dev.kvs.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated traffic, well-formed and not, against the deployed service over raw HTTP: methods
 * (made-up ones too), paths with keys and namespaces good and bad, broken percent-escapes,
 * query strings, bodies, content types and headers. Whatever arrives:
 * <ul>
 *   <li>the answer is a 2xx, or a documented 4xx with the error JSON, or 501 for a method HTTP
 *       does not define; never any other 5xx;</li>
 *   <li>what a GET finds, and what the table holds, is exactly what the acknowledged writes wrote
 *       (each sequence of requests works on a namespace of its own, modelled alongside).</li>
 * </ul>
 */
class HostileRequestsIT {
  private static final Set<Integer> DOCUMENTED_4XX = Set.of(400, 404, 405, 409, 413, 414, 415, 417, 431);
  private static final AtomicInteger SEQUENCES = new AtomicInteger();
  private static TestService kvs;

  @BeforeContainer
  static void start() {
    kvs = TestService.start("hostilereq", Map.of("KVS_HTTP_HEAD_TIMEOUT_MS", "5000"));
  }

  @AfterContainer
  static void stop() {
    kvs.close();
  }

  /** One generated request; {@code key} is the decoded key when the path names a record properly. */
  record Req(String method, String target, String contentType, byte[] body, String extraHeader, String key) {
    @Override
    public String toString() {
      return method + " " + target + " [" + contentType + "] " + (extraHeader == null ? "" : extraHeader + " ")
          + (body == null ? "" : new String(body, StandardCharsets.UTF_8));
    }
  }

  @Property(tries = 400)
  void everyAnswerIsDocumentedAndTheTableHoldsExactlyTheAcknowledgedWrites(@ForAll("sequences") List<Req> requests)
      throws Exception {
    String ns = "prop" + SEQUENCES.incrementAndGet();
    Map<String, Object[]> model = new HashMap<>(); // key -> {value, metadata} as decoded JSON
    for (Req req : requests) {
      RawHttp.Response response = send(req, ns);
      String what = req.toString().replace("{ns}", ns) + " -> " + response.status() + " " + response.bodyText();
      Statistics.label("status").collect(response.status()); // the report shows the mix generated
      checkDocumented(req, response, what);
      apply(req, response, model, what);
    }
    assertEquals(model.keySet(), tableOf(ns).keySet(), "the table holds exactly the acknowledged keys");
    tableOf(ns).forEach((key, stored) -> {
      assertEquals(model.get(key)[0], stored[0], "value of " + key);
      assertEquals(model.get(key)[1], stored[1], "metadata of " + key);
    });
  }

  private static void checkDocumented(Req req, RawHttp.Response response, String what) {
    int status = response.status();
    boolean madeUpMethod = !Metrics.STANDARD_HTTP_METHODS.contains(req.method());
    assertTrue(status == 200 || DOCUMENTED_4XX.contains(status) || (status == 501 && madeUpMethod), what);
    if (status >= 400 && !req.method().equals("HEAD")) {
      JsonObject error = new JsonObject(Buffer.buffer(response.body())).getJsonObject("error");
      assertNotNull(error, what);
      assertEquals(status, error.getInteger("status"), what);
      assertNotNull(error.getString("code"), what);
      assertNotNull(error.getString("message"), what);
    }
  }

  /** Folds an answered request into the model, and checks what a GET found against it. */
  private static void apply(Req req, RawHttp.Response response, Map<String, Object[]> model, String what) {
    boolean record = req.key() != null && req.target().startsWith("/v1/ns/{ns}/kv/");
    if (record && req.method().equals("GET")) {
      if (response.status() == 200) {
        JsonObject found = new JsonObject(Buffer.buffer(response.body())).getJsonObject(req.key());
        assertTrue(model.containsKey(req.key()), "found a record never acknowledged: " + what);
        assertEquals(model.get(req.key())[0], found.getValue("value"), what);
      } else if (response.status() == 404) {
        assertTrue(!model.containsKey(req.key()), "an acknowledged record is missing: " + what);
      }
      return;
    }
    if (response.status() != 200) {
      return; // refused: nothing changed, which the table comparison checks
    }
    if (record && req.method().equals("PUT")) {
      JsonObject body = new JsonObject(Buffer.buffer(req.body()));
      model.put(req.key(), new Object[] {body.getValue("value"), body.getValue("metadata")});
    } else if (record && req.method().equals("DELETE")) {
      model.remove(req.key());
    } else if (req.target().startsWith("/v1/ns/{ns}/bulk/write")) {
      JsonArray items = new JsonObject(Buffer.buffer(req.body())).getJsonArray("items");
      for (int i = 0; i < items.size(); i++) {
        JsonObject item = items.getJsonObject(i);
        model.put(item.getString("key"), new Object[] {item.getValue("value"), item.getValue("metadata")});
      }
    } else if (req.target().startsWith("/v1/ns/{ns}/bulk/delete")) {
      new JsonObject(Buffer.buffer(req.body())).getJsonArray("keys").forEach(key -> model.remove((String) key));
    }
  }

  private static RawHttp.Response send(Req req, String ns) throws Exception {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    String head = req.method() + " " + req.target().replace("{ns}", ns) + " HTTP/1.1\r\nHost: kvs\r\nConnection: close\r\n"
        + (req.contentType() == null ? "" : "Content-Type: " + req.contentType() + "\r\n")
        + (req.extraHeader() == null ? "" : req.extraHeader() + "\r\n")
        + (req.body() == null ? "" : "Content-Length: " + req.body().length + "\r\n")
        + "\r\n";
    request.write(head.getBytes(StandardCharsets.ISO_8859_1));
    if (req.body() != null) {
      request.write(req.body());
    }
    try (RawHttp http = new RawHttp(kvs.port)) {
      http.send(request.toByteArray());
      return http.response(!req.method().equals("HEAD"));
    }
  }

  /** The live records of a namespace: key -> {value, metadata}, decoded. */
  private static Map<String, Object[]> tableOf(String ns) throws Exception {
    Map<String, Object[]> table = new HashMap<>();
    try (Connection c = kvs.sql(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT key, value, metadata FROM kv WHERE ns = '" + ns + "' AND expired_at > now()")) {
      while (rs.next()) {
        table.put(rs.getString(1), new Object[] {Json.decodeValue(rs.getString(2)),
            rs.getString(3) == null ? null : Json.decodeValue(rs.getString(3))});
      }
    }
    return table;
  }

  // ---------------------------------------------------------------------------------------------
  // Generators

  @Provide
  Arbitrary<List<Req>> sequences() {
    return Arbitraries.frequencyOf(
            Tuple.of(6, recordRequest()),
            Tuple.of(2, listRequest()),
            Tuple.of(3, bulkRequest()),
            Tuple.of(2, anyRequest()))
        .list().ofMinSize(1).ofMaxSize(12);
  }

  private static Arbitrary<String> methods() {
    return Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.of("GET", "PUT", "PUT", "DELETE")),
        Tuple.of(1, Arbitraries.of("POST", "PATCH", "HEAD", "OPTIONS", "TRACE")),
        Tuple.of(1, Arbitraries.strings().withCharRange('A', 'Z').numeric().ofMinLength(1).ofMaxLength(8)));
  }

  /** Keys from a small pool (so requests meet each other) and random printable ASCII. */
  private static Arbitrary<String> keys() {
    return Arbitraries.oneOf(
        Arbitraries.of("a", "b", "user:1", "a/b", "..", ".", "%", "?#", "+x", "k\"q"),
        Arbitraries.strings().withCharRange((char) 0x21, (char) 0x7e).ofMinLength(1).ofMaxLength(24));
  }

  /** A path segment for a key: encoded properly (with the decoded key), or broken / invalid (key null). */
  private static Arbitrary<String[]> keySegments() {
    return Arbitraries.frequencyOf(
        Tuple.of(8, keys().map(k -> new String[] {TestService.encode(k), k})),
        Tuple.of(1, Arbitraries.of("%", "%%", "%zz", "x%4", "%G0", "%C3%A9", "a%20b", "%00", "",
            "k".repeat(513), "%E2%82%AC").map(k -> new String[] {k, null})));
  }

  private static Arbitrary<String> namespaces() {
    return Arbitraries.frequencyOf(
        Tuple.of(9, Arbitraries.just("{ns}")),
        Tuple.of(1, Arbitraries.of("UPPER", "_x", "x".repeat(64), "n%zz", "%", "a.b", "")));
  }

  private static Arbitrary<String> contentTypes() {
    return Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.just("application/json")),
        Tuple.of(1, Arbitraries.of("text/plain", "application/x-www-form-urlencoded",
            "application/json; charset=latin1", "application/json; charset=utf-8", "multipart/form-data; boundary=b", ";;",
            "application/", "*/*")),
        Tuple.of(1, Arbitraries.just((String) null)));
  }

  private static Arbitrary<String> extraHeaders() {
    return Arbitraries.frequencyOf(
        Tuple.of(10, Arbitraries.just((String) null)),
        Tuple.of(1, Arbitraries.of("Expect: 100-continue", "Expect: teapot", "Accept: text/html",
            "Origin: https://evil.example", "X-Forwarded-For: 1.2.3.4", "Accept-Encoding: gzip, br",
            "Content-Encoding: gzip", "Authorization: Bearer nonsense")));
  }

  private static Arbitrary<Object> jsonValues() {
    return Arbitraries.oneOf(
        Arbitraries.integers().map(i -> (Object) i),
        Arbitraries.of(1.5, -0.0, 1e300, 12345678901234567890.0).map(d -> (Object) d),
        Arbitraries.strings().ofMaxLength(40).map(s -> (Object) s),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.just((Object) "x".repeat(1_100)),
        Arbitraries.strings().alpha().ofMaxLength(5).map(s -> (Object) new JsonObject().put(s.isEmpty() ? "k" : s,
            new JsonArray().add(1).add("two").add(new JsonObject())))
    );
  }

  private static Arbitrary<byte[]> writeBodies() {
    long now = System.currentTimeMillis();
    Arbitrary<JsonObject> valid = Combinators.combine(
        jsonValues(),
        Arbitraries.of(-1L, 0L, 1L, 60L, 44_640L, 44_641L, 99_999_999_999L).injectNull(0.5),
        Arbitraries.of(now - 1_000, now + 600_000, now + 44_641L * 60_000, 9_224_318_016_000_001L, Long.MIN_VALUE).injectNull(0.8),
        Arbitraries.of("<", "<=", "=", ">=", ">", "==", "").injectNull(0.6),
        Arbitraries.of(0L, now, now + 86_400_000L, 9_224_318_016_000_001L, -9_224_318_016_000_001L, 253_402_300_800_000L)
            .injectNull(0.5),
        Arbitraries.strings().alpha().ofMaxLength(6).injectNull(0.7)
    ).as((value, minutes, expiresAt, operator, unixtimeMs, meta) -> {
      JsonObject body = new JsonObject().put("value", value);
      if (minutes != null) {
        body.put("minutesToExpire", minutes);
      }
      if (expiresAt != null) {
        body.put("expiresAt", expiresAt);
      }
      if (operator != null) {
        body.put("operator", operator);
      }
      if (unixtimeMs != null) {
        body.put("unixtimeMs", unixtimeMs);
      }
      if (meta != null) {
        body.put("metadata", new JsonObject().put("tag", meta));
      }
      return body;
    });
    return Arbitraries.frequencyOf(
        Tuple.of(8, valid.map(JsonObject::toBuffer).map(Buffer::getBytes)),
        Tuple.of(2, junkBodies()));
  }

  private static Arbitrary<byte[]> junkBodies() {
    return Arbitraries.oneOf(
        Arbitraries.of("", "{", "null", "[]", "{\"value\": null}", "{\"value\": 1, \"value\": 2}", "{\"value\":1}x",
            "{\"value\": \"\\ud800\"}", "{\"value\": " + "[".repeat(3_000) + "]".repeat(3_000) + "}",
            "{\"value\": 1, \"minutesToExpire\": 1e3}", "{\"value\": 1, \"unixtimeMs\": 1}",
            "{\"items\": [{\"key\": \"\", \"value\": 1}]}").map(s -> s.getBytes(StandardCharsets.UTF_8)),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
        Arbitraries.just(new byte[] {'{', '"', 'v', 'a', 'l', 'u', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}));
  }

  private static Arbitrary<String> queries() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just("")),
        Tuple.of(3, Combinators.combine(
            keys().map(TestService::encode).injectNull(0.4),
            Arbitraries.of("0", "1", "10", "1000", "1001", "-1", "x", "99999999999").injectNull(0.5),
            Arbitraries.of("", "bm9wZQ", "%%", "!!!", "AAAA", "YQ").injectNull(0.7)
        ).as((prefix, limit, cursor) -> "?" + (prefix == null ? "" : "prefix=" + prefix + "&")
            + (limit == null ? "" : "limit=" + limit + "&") + (cursor == null ? "" : "cursor=" + cursor))),
        Tuple.of(1, Arbitraries.of("?%", "?prefix=%zz", "?cursor=%%", "?a=%4", "?%%%", "?prefix=a+b", "?=&&=")));
  }

  private static Arbitrary<Req> recordRequest() {
    return Combinators.combine(methods(), namespaces(), keySegments(), contentTypes(), writeBodies(), extraHeaders())
        .as((method, ns, key, type, body, header) -> {
          boolean withBody = !Set.of("GET", "DELETE", "HEAD", "OPTIONS", "TRACE").contains(method);
          String target = "/v1/ns/" + ns + "/kv/" + key[0];
          return new Req(method, target, withBody ? type : null, withBody ? body : null, header,
              ns.equals("{ns}") ? key[1] : null);
        });
  }

  private static Arbitrary<Req> listRequest() {
    return Combinators.combine(Arbitraries.of("GET", "GET", "POST", "HEAD"), namespaces(), queries())
        .as((method, ns, query) -> new Req(method, "/v1/ns/" + ns + "/kv" + query, null, null, null, null));
  }

  private static Arbitrary<Req> bulkRequest() {
    Arbitrary<JsonArray> keyLists = keys().list().ofMaxSize(6).map(JsonArray::new);
    Arbitrary<byte[]> keyBodies = Arbitraries.frequencyOf(
        Tuple.of(6, keyLists.map(k -> new JsonObject().put("keys", k).toBuffer().getBytes())),
        Tuple.of(1, junkBodies()));
    Arbitrary<byte[]> itemBodies = Arbitraries.frequencyOf(
        Tuple.of(6, Combinators.combine(keys(), jsonValues()).as((k, v) -> new JsonObject().put("key", k).put("value", v))
            .list().ofMaxSize(5).map(items -> new JsonObject().put("items", new JsonArray(items)).toBuffer().getBytes())),
        Tuple.of(1, junkBodies()));
    return Combinators.combine(Arbitraries.of("get", "write", "delete", "nothing"), namespaces(), contentTypes(),
            keyBodies, itemBodies, Arbitraries.of("POST", "POST", "POST", "GET", "PUT"))
        .as((op, ns, type, keysBody, itemsBody, method) -> new Req(method, "/v1/ns/" + ns + "/bulk/" + op, type,
            op.equals("write") ? itemsBody : keysBody, null, null));
  }

  /** Anything at all: raw paths, junk in the request line's target, random headers. */
  private static Arbitrary<Req> anyRequest() {
    Arbitrary<String> targets = Arbitraries.oneOf(
        Arbitraries.of("/", "/v1", "/v1/ns", "/v1/ns/", "/v1/ns/{ns}", "/v1/ns/{ns}/", "/v1/ns/{ns}/kv/", "/health/live",
            "/health/ready", "/metrics", "/openapi.yaml", "/v1/ns/{ns}/kv/../../../../health/live", "*",
            "http://kvs/v1/ns/{ns}/kv/a", "/v1/ns/{ns}/kv/a#frag", "/v1/ns/{ns}/bulk", "//v1//ns//{ns}//kv//a",
            "/v1/ns/{ns}/kv/" + "%41".repeat(600), "/%2e%2e/%2e%2e/etc/passwd", "/v1/ns/{ns}/kv/a?b=%"),
        Arbitraries.strings().withCharRange((char) 0x21, (char) 0x7e).ofMinLength(1).ofMaxLength(40).map(s -> "/" + s));
    return Combinators.combine(methods(), targets, contentTypes(), junkBodies().injectNull(0.5), extraHeaders())
        .as((method, target, type, body, header) -> new Req(method, target, body == null ? null : type, body, header,
            recordKey(target)));
  }

  /** The key a raw target names, decoded, when it is a record path of the sequence's namespace; else null. */
  private static String recordKey(String target) {
    String prefix = "/v1/ns/{ns}/kv/";
    if (!target.startsWith(prefix) || target.contains("?")) {
      return null;
    }
    String raw = target.substring(prefix.length());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length() || HexFormat.fromHexDigits(raw, i + 1, i + 3) < 0) {
          return null;
        }
        bytes.write(HexFormat.fromHexDigits(raw, i + 1, i + 3));
        i += 2;
      } else {
        bytes.write(c);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
