package dev.kvs;

import static dev.kvs.support.Records.createdAtMs;
import static dev.kvs.support.Records.errorCode;
import static dev.kvs.support.Records.record;
import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kvs.json.IsoTime;
import dev.kvs.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The TTL default and maximum are settings: a deployment raised to API.md's 1,000-year ceiling. */
class TtlSettingsIT {
  private static final long THOUSAND_YEARS_MINUTES = 525_600_000L;
  private static TestService kvs;

  @BeforeAll
  static void start() {
    kvs = TestService.start("ttl", Map.of(
        "KVS_TTL_MAX_MINUTES", Long.toString(THOUSAND_YEARS_MINUTES),
        "KVS_TTL_DEFAULT_MINUTES", "5"));
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  void theDefaultTtlIsTheConfiguredOne() {
    HttpResponse<Buffer> put = kvs.put("default", write(1));
    assertEquals(Duration.ofMinutes(5).toMillis(), expiredAtMs(put, "default") - createdAtMs(put, "default"));
  }

  @Test
  void aRaisedMaximumAllowsTheWholeRange() {
    HttpResponse<Buffer> put = kvs.put("millennium", write(1).put("minutesToExpire", THOUSAND_YEARS_MINUTES));
    assertEquals(200, put.statusCode(), put.bodyAsString());
    assertEquals(Duration.ofMinutes(THOUSAND_YEARS_MINUTES).toMillis(), expiredAtMs(put, "millennium") - createdAtMs(put, "millennium"));
    assertEquals(200, kvs.get("millennium").statusCode());
  }

  @Test
  void oneMinuteMoreThanTheMaximumIsRefused() {
    HttpResponse<Buffer> put = kvs.put("too-long", write(1).put("minutesToExpire", THOUSAND_YEARS_MINUTES + 1));
    assertEquals(400, put.statusCode());
    assertEquals("invalid_ttl", errorCode(put));
    assertEquals(404, kvs.get("too-long").statusCode(), "nothing was written");
  }

  private static long expiredAtMs(HttpResponse<Buffer> response, String key) {
    return IsoTime.parse(record(response, key).getString("expired_at"));
  }
}
