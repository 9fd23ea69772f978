package dev.kvs;

import static dev.kvs.support.Records.conditional;
import static dev.kvs.support.Records.createdAtMs;
import static dev.kvs.support.Records.errorCode;
import static dev.kvs.support.Records.record;
import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Craft's checkAndWrite: one statement, 404 condition_failed with the live record, 409 on lock contention. */
class ConditionalWriteIT {
  private static TestService kvs;

  @BeforeAll
  static void start() {
    kvs = TestService.start("conditional", Map.of("KVS_DB_LOCK_TIMEOUT_MS", "300"));
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  /** operator, offset of unixtimeMs from the record's created_at, whether the write must happen. */
  static Stream<Arguments> operators() {
    return Stream.of(
        Arguments.of("<", 1, true), Arguments.of("<", 0, false), Arguments.of("<", -1, false),
        Arguments.of("<=", 0, true), Arguments.of("<=", 1, true), Arguments.of("<=", -1, false),
        Arguments.of("=", 0, true), Arguments.of("=", 1, false), Arguments.of("=", -1, false),
        Arguments.of(">=", 0, true), Arguments.of(">=", -1, true), Arguments.of(">=", 1, false),
        Arguments.of(">", -1, true), Arguments.of(">", 0, false), Arguments.of(">", 1, false));
  }

  @ParameterizedTest(name = "created_at {0} created_at + ({1} ms): written = {2}")
  @MethodSource("operators")
  void eachOperatorWritesExactlyWhenItsComparisonHolds(String operator, int offsetMs, boolean writes) {
    String key = "op" + operator + offsetMs;
    HttpResponse<Buffer> seeded = kvs.put(key, write("before"));
    long createdAt = createdAtMs(seeded, key);

    HttpResponse<Buffer> response = kvs.put(key, conditional("after", operator, createdAt + offsetMs));

    if (writes) {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals("after", record(response, key).getString("value"));
      assertTrue(createdAtMs(response, key) > createdAt);
      assertEquals("after", record(kvs.get(key), key).getString("value"));
    } else {
      assertEquals(404, response.statusCode(), response.bodyAsString());
      assertEquals("condition_failed", errorCode(response));
      JsonObject current = response.bodyAsJsonObject().getJsonObject("current").getJsonObject(key);
      assertEquals(seeded.bodyAsJsonObject().getJsonObject(key), current, "404 carries the live record");
      assertEquals(seeded.bodyAsString(), kvs.get(key).bodyAsString(), "nothing changed");
    }
  }

  @Test
  void absentRecordIsCreatedWhateverTheCondition() {
    HttpResponse<Buffer> response = kvs.put("fresh", conditional("new", "=", 12345));
    assertEquals(200, response.statusCode());
    assertEquals("new", record(kvs.get("fresh"), "fresh").getString("value"));
  }

  @Test
  void expiredRecordIsTreatedAsAbsent() throws Exception {
    HttpResponse<Buffer> seeded = kvs.put("lapsed", write("old"));
    try (Connection c = kvs.sql(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE kv SET expired_at = now() - interval '1 ms' WHERE key = 'lapsed'");
    }
    // The condition is false against the stored (expired) row, but an expired record is absent.
    HttpResponse<Buffer> response = kvs.put("lapsed", conditional("new", "<", createdAtMs(seeded, "lapsed") - 1000));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals("new", record(kvs.get("lapsed"), "lapsed").getString("value"));
  }

  @Test
  void compareAndSwapWithCreatedAtReadBackSucceedsOnceAndOnlyOnce() {
    kvs.put("cas", write(1));
    long observed = createdAtMs(kvs.get("cas"), "cas");
    HttpResponse<Buffer> first = kvs.put("cas", conditional(2, "=", observed));
    assertEquals(200, first.statusCode());
    HttpResponse<Buffer> second = kvs.put("cas", conditional(3, "=", observed));
    assertEquals(404, second.statusCode());
    assertEquals("condition_failed", errorCode(second));
    assertEquals(2, inner(second.bodyAsJsonObject().getJsonObject("current"), "cas").getInteger("value"));
    assertEquals(createdAtMs(first, "cas"), createdAtMs(kvs.get("cas"), "cas"));
  }

  @Test
  void rapidOverwritesWithinOneMillisecondStillGetDistinctCreatedAt() {
    long previous = createdAtMs(kvs.put("burst", write(0)), "burst");
    for (int i = 1; i <= 30; i++) {
      HttpResponse<Buffer> response = kvs.put("burst", conditional(i, "=", previous));
      assertEquals(200, response.statusCode(), "write " + i + " lost its CAS: " + response.bodyAsString());
      long created = createdAtMs(response, "burst");
      assertTrue(created > previous);
      previous = created;
    }
  }

  @Test
  void createdAtNeverRepeatsAcrossADeleteAndReCreateInTheSameMillisecond() {
    // Overwrites faster than the clock push created_at ahead of it (each is the previous + 1 ms);
    // staged here by moving it an hour ahead. A delete and a re-create must still move past it.
    long first = createdAtMs(kvs.put("reborn", write("first life")), "reborn");
    kvs.execute("UPDATE kv SET created_at = created_at + interval '1 hour' WHERE ns = 'test' AND key = 'reborn'");
    long ranAhead = createdAtMs(kvs.get("reborn"), "reborn");
    assertEquals(first + 3_600_000, ranAhead);

    assertEquals(200, kvs.delete("reborn").statusCode());
    assertEquals(404, kvs.get("reborn").statusCode());
    HttpResponse<Buffer> reborn = kvs.put("reborn", write("second life"));
    assertTrue(createdAtMs(reborn, "reborn") > ranAhead, "the new record's created_at is past every earlier one");

    // So a compare-and-swap holding the first life's created_at cannot overwrite the second life.
    HttpResponse<Buffer> stale = kvs.put("reborn", conditional("stale swap", "=", ranAhead));
    assertEquals(404, stale.statusCode(), stale.bodyAsString());
    assertEquals("condition_failed", errorCode(stale));
    assertEquals("second life", record(kvs.get("reborn"), "reborn").getString("value"));
  }

  @Test
  void aConditionalWriteAfterADeleteIsACreateAndStillMovesPastTheDeletedCreatedAt() {
    kvs.put("again", write(1));
    kvs.execute("UPDATE kv SET created_at = created_at + interval '1 hour' WHERE ns = 'test' AND key = 'again'");
    long ranAhead = createdAtMs(kvs.get("again"), "again");
    kvs.delete("again");
    HttpResponse<Buffer> created = kvs.put("again", conditional(2, "=", 0));
    assertEquals(200, created.statusCode(), "no live record: the condition does not apply");
    assertTrue(createdAtMs(created, "again") > ranAhead);
  }

  @Test
  void rowLockedByAnotherWriterGives409ConflictAndNothingChanges() throws Exception {
    HttpResponse<Buffer> seeded = kvs.put("locked", write("before"));
    long createdAt = createdAtMs(seeded, "locked");
    try (Connection holder = kvs.sql()) {
      holder.setAutoCommit(false);
      try (Statement s = holder.createStatement()) {
        s.executeQuery("SELECT * FROM kv WHERE ns = 'test' AND key = 'locked' FOR UPDATE").close();
        HttpResponse<Buffer> conditionalWrite = kvs.put("locked", conditional("after", "=", createdAt));
        assertEquals(409, conditionalWrite.statusCode(), conditionalWrite.bodyAsString());
        assertEquals("conflict", errorCode(conditionalWrite));
        HttpResponse<Buffer> plainWrite = kvs.put("locked", write("after"));
        assertEquals(409, plainWrite.statusCode());
        HttpResponse<Buffer> delete = kvs.delete("locked");
        assertEquals(409, delete.statusCode(), "a delete waits for the row like any writer");
        assertEquals("conflict", errorCode(delete));
        // Readers are never blocked by writers.
        assertEquals(seeded.bodyAsString(), kvs.get("locked").bodyAsString());
      }
      holder.rollback();
    }
    assertEquals(seeded.bodyAsString(), kvs.get("locked").bodyAsString());
    assertEquals(200, kvs.put("locked", conditional("after", "=", createdAt)).statusCode(), "retry after the lock is gone");
  }

  private static JsonObject inner(JsonObject wrapped, String key) {
    return wrapped.getJsonObject(key);
  }
}
