package dev.kvs;

import static dev.kvs.support.Records.errorCode;
import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.kvs.support.LogCapture;
import dev.kvs.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A failure nobody mapped (here: a trigger raising an error the service has no meaning for)
 * becomes 500 {@code internal} whose body repeats the request id of the log line, and carries no
 * SQL, SQLSTATE or stack trace.
 */
class InternalErrorIT {
  private static final String SECRET = "secret detail of SELECT * FROM kv";
  private static TestService kvs;

  @BeforeAll
  static void start() {
    kvs = withFailingKey(TestService.start("internal", Map.of()));
  }

  /** A trigger that fails every write of the key "boom" with an error the service has no mapping for. */
  private static TestService withFailingKey(TestService service) {
    // Never dropped: it goes with the service's database.
    service.trigger("refuse_boom", "INSERT OR UPDATE",
        "IF NEW.key = 'boom' THEN RAISE EXCEPTION '%s' USING ERRCODE = 'P0001'; END IF; RETURN NEW;".formatted(SECRET));
    return service;
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  void anUnmappedDatabaseErrorIsA500WithTheRequestIdAndNoDetails() {
    HttpResponse<Buffer> response = kvs.put("boom", write("v"));

    assertEquals(500, response.statusCode());
    assertEquals("internal", errorCode(response));
    String requestId = response.getHeader("X-Request-Id");
    assertNotNull(requestId, "the request id is sent as a header");
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertEquals(500, error.getInteger("status"));
    assertTrue(error.getString("message").contains(requestId), "the body repeats the request id: " + error);
    String body = response.bodyAsString();
    for (String leak : new String[] {"secret", "SELECT", "P0001", "Exception", "\tat "}) {
      assertFalse(body.contains(leak), "the body leaks '" + leak + "': " + body);
    }
    assertEquals(404, kvs.get("boom").statusCode(), "nothing was written");
  }

  @Test
  void otherKeysAreUnaffected() {
    assertEquals(200, kvs.put("fine", write("v")).statusCode());
    assertEquals(200, kvs.get("fine").statusCode());
  }

  @Test
  void internalErrorsAreLoggedWithTheirRequestIdButRateLimited() {
    try (TestService fresh = withFailingKey(TestService.start("internallog", Map.of()));
         LogCapture log = new LogCapture()) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        HttpResponse<Buffer> response = fresh.put("boom", write(i));
        assertEquals(500, response.statusCode());
        ids.add(response.getHeader("X-Request-Id"));
      }
      List<ILoggingEvent> errors = log.atLeast(Level.ERROR, "dev.kvs");
      assertFalse(errors.isEmpty(), "internal errors are logged");
      assertTrue(errors.size() <= fresh.config.http().instances(),
          "50 failures within 10 s log at most one line per event loop: " + log.text());
      assertTrue(ids.stream().anyMatch(id -> errors.get(0).getFormattedMessage().contains(id)),
          "the line names the request id its 500 carried: " + log.text());
    }
  }

  @Test
  void eachFailureGetsItsOwnRequestId() {
    String first = kvs.put("boom", write("a")).getHeader("X-Request-Id");
    String second = kvs.put("boom", write("b")).getHeader("X-Request-Id");
    assertNotNull(first);
    assertFalse(first.equals(second), "request ids repeat: " + first);
  }
}
