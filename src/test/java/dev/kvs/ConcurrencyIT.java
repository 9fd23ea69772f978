package dev.kvs;

import static dev.kvs.support.Records.conditional;
import static dev.kvs.support.Records.createdAtMs;
import static dev.kvs.support.Records.errorCode;
import static dev.kvs.support.Records.record;
import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kvs.json.IsoTime;
import dev.kvs.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Many clients at once on one key: the compare-and-swap holds under real concurrency. */
@ExtendWith(VertxExtension.class)
class ConcurrencyIT {
  private static TestService kvs;

  @BeforeAll
  static void start() {
    // A generous lock wait, so that queued writers are refused by the condition (404), not by time (409).
    kvs = TestService.start("concurrency", Map.of("KVS_DB_LOCK_TIMEOUT_MS", "10000", "KVS_DB_POOL_SIZE", "16"));
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void concurrentEqualsWritesOnTheSameCreatedAtHaveExactlyOneWinner(VertxTestContext test) {
    int writers = 64;
    long observed = createdAtMs(kvs.put("race", write("seed")), "race");
    List<Future<HttpResponse<Buffer>>> attempts = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      attempts.add(kvs.http.put(TestService.path(TestService.NS, "race"))
          .sendJsonObject(conditional("writer-" + i, "=", observed)));
    }
    Future.all(attempts)
        .compose(all -> kvs.http.get(TestService.path(TestService.NS, "race")).send())
        .onComplete(test.succeeding(stored -> test.verify(() -> {
          List<String> winners = new ArrayList<>();
          for (int i = 0; i < writers; i++) {
            HttpResponse<Buffer> response = attempts.get(i).result();
            if (response.statusCode() == 200) {
              winners.add("writer-" + i);
            } else {
              assertEquals(404, response.statusCode(), response.bodyAsString());
              assertEquals("condition_failed", errorCode(response));
            }
          }
          assertEquals(1, winners.size(), "winners: " + winners);
          assertEquals(winners.get(0), record(stored, "race").getString("value"), "the stored value is the winner's");
          test.completeNow();
        })));
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void counterIncrementedByReadThenCompareAndSwapLosesNoUpdate() {
    int clients = 8;
    int incrementsEach = 25;
    kvs.put("counter", write(0));
    AtomicInteger retries = new AtomicInteger();
    List<Future<Void>> all = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      all.add(incrementTimes(incrementsEach, retries));
    }
    Future.all(all).await();
    assertEquals(clients * incrementsEach, record(kvs.get("counter"), "counter").getInteger("value"),
        "after " + retries.get() + " retried swaps");
  }

  private static Future<Void> incrementTimes(int remaining, AtomicInteger retries) {
    if (remaining == 0) {
      return Future.succeededFuture();
    }
    return increment(retries).compose(done -> incrementTimes(remaining - 1, retries));
  }

  /** Read, add one, write back only if nobody wrote in between; on refusal retry with the record the 404 carried. */
  private static Future<Void> increment(AtomicInteger retries) {
    return kvs.http.get(TestService.path(TestService.NS, "counter")).send()
        .compose(read -> swap(read.bodyAsJsonObject().getJsonObject("counter"), retries));
  }

  private static Future<Void> swap(JsonObject current, AtomicInteger retries) {
    long createdAt = IsoTime.parse(current.getString("created_at"));
    int next = current.getInteger("value") + 1;
    return kvs.http.put(TestService.path(TestService.NS, "counter"))
        .sendJsonObject(conditional(next, "=", createdAt))
        .compose(response -> switch (response.statusCode()) {
          case 200 -> Future.<Void>succeededFuture();
          case 404 -> {
            retries.incrementAndGet();
            yield swap(response.bodyAsJsonObject().getJsonObject("current").getJsonObject("counter"), retries);
          }
          case 409 -> {
            retries.incrementAndGet();
            yield increment(retries);
          }
          default -> Future.failedFuture("unexpected " + response.statusCode() + " " + response.bodyAsString());
        });
  }
}
