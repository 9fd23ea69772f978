package dev.kvs;

import static dev.kvs.support.Records.errorCode;
import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kvs.support.RawHttp;
import dev.kvs.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bodies are read only as JSON, only where a route takes one, each route with its own limit; and
 * without a configured origin list the service sends no CORS headers at all.
 */
class RequestBodiesIT {
  private static TestService kvs;

  @BeforeAll
  static void start() {
    kvs = TestService.start("bodies", Map.of());
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  static Stream<Arguments> writesWithOtherContentTypes() {
    String put = TestService.path(TestService.NS, "cors-victim");
    String single = "{\"value\": \"written by a web page\"}";
    String bulk = "{\"items\": [{\"key\": \"cors-victim\", \"value\": \"written by a web page\"}]}";
    return Stream.of(
        Arguments.of(HttpMethod.PUT, put, "text/plain", single),
        Arguments.of(HttpMethod.PUT, put, "text/plain;charset=UTF-8", single),
        Arguments.of(HttpMethod.PUT, put, "application/x-www-form-urlencoded", single),
        Arguments.of(HttpMethod.PUT, put, "multipart/form-data; boundary=x", single),
        Arguments.of(HttpMethod.PUT, put, null, single),
        Arguments.of(HttpMethod.PUT, put, "application/json; charset=iso-8859-1", single),
        Arguments.of(HttpMethod.PUT, put, "application/jsonx", single),
        Arguments.of(HttpMethod.POST, "/v1/ns/test/bulk/write", "text/plain", bulk),
        Arguments.of(HttpMethod.POST, "/v1/ns/test/bulk/write", null, bulk),
        Arguments.of(HttpMethod.POST, "/v1/ns/test/bulk/delete", "text/plain", "{\"keys\": [\"kept\"]}"),
        Arguments.of(HttpMethod.POST, "/v1/ns/test/bulk/get", "text/plain", "{\"keys\": [\"kept\"]}"));
  }

  @ParameterizedTest
  @MethodSource("writesWithOtherContentTypes")
  void aBodyThatIsNotJsonIs415AndChangesNothing(HttpMethod method, String uri, String contentType, String body) {
    kvs.put("kept", write("still here"));
    HttpRequest<Buffer> request = kvs.http.request(method, uri);
    if (contentType != null) {
      request.putHeader("Content-Type", contentType);
    }
    HttpResponse<Buffer> response = request.sendBuffer(Buffer.buffer(body)).await();
    assertEquals(415, response.statusCode(), contentType + " " + response.bodyAsString());
    assertEquals("unsupported_media_type", errorCode(response));
    assertEquals(404, kvs.get("cors-victim").statusCode(), "nothing was written");
    assertEquals(200, kvs.get("kept").statusCode(), "nothing was deleted");
  }

  @Test
  void jsonWithOrWithoutUtf8CharsetIsAccepted() {
    for (String type : new String[] {"application/json", "application/json; charset=utf-8", "Application/JSON;charset=\"UTF-8\""}) {
      HttpResponse<Buffer> response = kvs.http.put(TestService.path(TestService.NS, "typed")).putHeader("Content-Type", type)
          .sendBuffer(Buffer.buffer("{\"value\": 1}")).await();
      assertEquals(200, response.statusCode(), type);
    }
  }

  @Test
  void anExpectationOtherThan100ContinueIs417AndChangesNothing() throws Exception {
    String body = "{\"value\": \"expected\"}";
    try (RawHttp client = new RawHttp(kvs.port)) {
      RawHttp.Response response = client.send("PUT " + TestService.path(TestService.NS, "expecting") + " HTTP/1.1\r\n"
          + "Host: kvs\r\nContent-Type: application/json\r\nExpect: teapot\r\nContent-Length: " + body.length()
          + "\r\n\r\n" + body).response(true);
      assertEquals(417, response.status());
      assertEquals("expectation_failed", new JsonObject(response.bodyText()).getJsonObject("error").getString("code"));
    }
    assertEquals(404, kvs.get("expecting").statusCode());
    try (RawHttp client = new RawHttp(kvs.port)) {
      RawHttp.Response response = client.send("PUT " + TestService.path(TestService.NS, "expecting") + " HTTP/1.1\r\n"
          + "Host: kvs\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " + body.length()
          + "\r\n\r\n" + body).response(true);
      assertEquals(200, response.status(), "100-continue is honoured");
    }
  }

  @Test
  void eachRouteHasItsOwnBodyLimit() {
    // A body of 400 KB: far over what any legal bulk get can need, well within a bulk write's limit.
    JsonArray keys = new JsonArray();
    String filler = "k".repeat(500);
    while (keys.encode().length() < 400_000) {
      keys.add(filler);
    }
    HttpResponse<Buffer> bulkGet = post("/v1/ns/test/bulk/get", new JsonObject().put("keys", keys));
    assertEquals(413, bulkGet.statusCode());
    assertEquals("too_large", errorCode(bulkGet));

    JsonArray items = new JsonArray();
    for (int i = 0; i < 800; i++) {
      items.add(new JsonObject().put("key", "big-" + i).put("value", "v".repeat(480)));
    }
    HttpResponse<Buffer> bulkWrite = post("/v1/ns/test/bulk/write", new JsonObject().put("items", items));
    assertEquals(200, bulkWrite.statusCode(), "a 400 KB bulk write is legal");
    assertEquals(800, bulkWrite.bodyAsJsonObject().getInteger("written"));
  }

  @Test
  void noCorsHeadersWithoutAConfiguredOriginList() {
    HttpResponse<Buffer> simple = kvs.http.get(TestService.path(TestService.NS, "kept"))
        .putHeader("Origin", "https://evil.example").send().await();
    assertNull(simple.getHeader("Access-Control-Allow-Origin"));
    HttpResponse<Buffer> preflight = kvs.http.request(HttpMethod.OPTIONS, TestService.path(TestService.NS, "kept"))
        .putHeader("Origin", "https://evil.example").putHeader("Access-Control-Request-Method", "PUT")
        .putHeader("Access-Control-Request-Headers", "content-type").send().await();
    assertEquals(405, preflight.statusCode(), "a preflight finds no CORS support");
    assertNull(preflight.getHeader("Access-Control-Allow-Origin"));
  }

  @Test
  void aConfiguredOriginIsAllowedAndNoOtherIs() {
    try (TestService withCors = TestService.start("cors", Map.of("KVS_CORS_ORIGINS", "https://app.example"))) {
      HttpResponse<Buffer> allowed = withCors.http.request(HttpMethod.OPTIONS, TestService.path(TestService.NS, "k"))
          .putHeader("Origin", "https://app.example").putHeader("Access-Control-Request-Method", "PUT")
          .putHeader("Access-Control-Request-Headers", "content-type").send().await();
      assertEquals("https://app.example", allowed.getHeader("Access-Control-Allow-Origin"), allowed.headers().toString());
      HttpResponse<Buffer> other = withCors.http.request(HttpMethod.OPTIONS, TestService.path(TestService.NS, "k"))
          .putHeader("Origin", "https://evil.example").putHeader("Access-Control-Request-Method", "PUT").send().await();
      assertNull(other.getHeader("Access-Control-Allow-Origin"));
      assertEquals(403, other.statusCode());
      assertEquals("forbidden", errorCode(other));
    }
  }

  private static HttpResponse<Buffer> post(String uri, JsonObject body) {
    return kvs.http.post(uri).sendJsonObject(body).await();
  }
}
