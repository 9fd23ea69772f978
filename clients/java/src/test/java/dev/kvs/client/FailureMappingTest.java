package dev.kvs.client;

import static dev.kvs.client.FakeKvs.await;
import static dev.kvs.client.FakeKvs.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How event bus failures become typed {@link KvsFailure}s. */
class FailureMappingTest {
  private Vertx vertx;
  private FakeKvs kvs;
  private KvsClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    kvs = new FakeKvs(vertx);
    client = KvsClient.create(vertx, new KvsClientOptions("demo").setRequestTimeout(Duration.ofMillis(200)));
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  @Test
  void theApisErrorGivesStatusCodeAndMessage() {
    kvs.fails(KvsClient.GET, 404, "not_found", "no live record for this key");

    KvsFailure failure = assertInstanceOf(KvsFailure.class, failure(client.get("k")));

    assertEquals(404, failure.status());
    assertEquals(KvsFailure.NOT_FOUND, failure.code());
    assertEquals("no live record for this key", failure.getMessage());
    assertInstanceOf(ReplyException.class, failure.getCause());
    assertEquals("dev.kvs.client.KvsFailure: 404 not_found: no live record for this key", failure.toString());
  }

  @Test
  void everyStatusOfTheApiComesThrough() {
    kvs.fails(KvsClient.WRITE, 401, "unauthorized", "missing token")
        .fails(KvsClient.DELETE, 409, "conflict", "other writers held the record")
        .fails(KvsClient.CHANGES_SINCE, 410, KvsFailure.CURSOR_EXPIRED, "the change log no longer reaches back to this cursor")
        .fails(KvsClient.BULK_GET, 503, "unavailable", "database unreachable");

    assertEquals("401 unauthorized", statusAndCode(failure(client.write("k", 1))));
    assertEquals("409 conflict", statusAndCode(failure(client.delete("k"))));
    assertEquals("410 cursor_expired", statusAndCode(failure(client.changesSince("old", 10))));
    assertEquals("503 unavailable", statusAndCode(failure(client.bulkGet(List.of("k")))));
  }

  private static String statusAndCode(Throwable failure) {
    KvsFailure typed = assertInstanceOf(KvsFailure.class, failure);
    return typed.status() + " " + typed.code();
  }

  @Test
  void aRefusedConditionalWriteCarriesTheLiveRecord() {
    JsonObject error = new JsonObject()
        .put("error", new JsonObject().put("status", 404).put("code", "condition_failed").put("message", "condition not met"))
        .put("current", new JsonObject().put("k", new JsonObject().put("value", "theirs")
            .put("created_at", "2022-12-28T02:50:57.168Z").put("expired_at", "2022-12-29T02:50:57.168Z")));
    kvs.failsWith(KvsClient.CHECK_AND_WRITE, 404, error.encode());

    ConditionFailed refused = assertInstanceOf(ConditionFailed.class,
        failure(client.checkAndWrite("k", "mine", Operator.EQ, 1672195857167L)));

    assertEquals(404, refused.status());
    assertEquals(KvsFailure.CONDITION_FAILED, refused.code());
    assertEquals("condition not met", refused.getMessage());
    assertEquals(new KvsRecord("k", "theirs", null, Instant.parse("2022-12-28T02:50:57.168Z"),
        Instant.parse("2022-12-29T02:50:57.168Z")), refused.current());
    assertEquals(1672195857168L, refused.current().createdAtMillis(), "ready for a retry without a second read");
  }

  @Test
  void aConditionFailedWithoutAReadableRecordIsStillAConditionFailed() {
    kvs.fails(KvsClient.CHECK_AND_WRITE, 404, "condition_failed", "condition not met");

    ConditionFailed refused = assertInstanceOf(ConditionFailed.class,
        failure(client.checkAndWrite("k", "mine", Operator.LT, 0)));

    assertNull(refused.current());
  }

  @Test
  void noReplyWithinTheRequestTimeoutIs504Timeout() {
    kvs.ignores(KvsClient.GET);

    long started = System.nanoTime();
    KvsFailure failure = assertInstanceOf(KvsFailure.class, failure(client.get("k")));
    long waitedMs = (System.nanoTime() - started) / 1_000_000;

    assertEquals(504, failure.status());
    assertEquals(KvsFailure.TIMEOUT, failure.code());
    assertEquals(ReplyFailure.TIMEOUT, ((ReplyException) failure.getCause()).failureType());
    assertTrue(waitedMs >= 190 && waitedMs < 4_000, "the configured 200 ms send timeout, waited " + waitedMs + " ms");
  }

  @Test
  void noKvsOnTheEventBusIs503Unavailable() {
    KvsFailure failure = assertInstanceOf(KvsFailure.class, failure(client.get("k")));

    assertEquals(503, failure.status());
    assertEquals(KvsFailure.UNAVAILABLE, failure.code());
    assertTrue(failure.getMessage().contains("kvs.get"), failure.getMessage());
    assertEquals(ReplyFailure.NO_HANDLERS, ((ReplyException) failure.getCause()).failureType());
  }

  @Test
  void aFailureThatIsNotTheApisErrorKeepsItsCodeAndText() {
    kvs.failsWith(KvsClient.LIST, 500, "java.lang.IllegalStateException: boom");

    KvsFailure failure = assertInstanceOf(KvsFailure.class, failure(client.list(new ListOptions())));

    assertEquals(500, failure.status());
    assertEquals(KvsFailure.UNKNOWN, failure.code());
    assertEquals("java.lang.IllegalStateException: boom", failure.getMessage());
  }
}
