package dev.kvs.client;

import static dev.kvs.client.FakeKvs.await;
import static dev.kvs.client.FakeKvs.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The live change feed ({@code changes}) and following the change log ({@code follow}). */
class ChangeFeedTest {
  private static final String ADDRESS = "kvs.changes.demo";
  private static final String AT = "2022-12-28T02:50:57.167Z";

  private Vertx vertx;
  private FakeKvs kvs;
  private KvsClient client;
  /** The fake's change log; a change's cursor is its position, 1-based. */
  private final List<JsonObject> log = new CopyOnWriteArrayList<>();
  private final List<KvsChange> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    kvs = new FakeKvs(vertx);
    // An hour: in these tests only a live message wakes a follower, unless a test says otherwise.
    client = KvsClient.create(vertx, new KvsClientOptions("demo").setFollowPollInterval(Duration.ofHours(1)));
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private static JsonObject change(String op, String key, int cursor) {
    return new JsonObject().put("op", op).put("key", key).put("created_at", AT).put("expired_at", AT)
        .put("cursor", String.valueOf(cursor));
  }

  /** Appends a change to the fake's log, as a committed write would; returns its message. */
  private JsonObject commit(String key) {
    JsonObject change = change("write", key, log.size() + 1);
    log.add(change);
    return change;
  }

  /** Serves kvs.changesSince from the log, two changes a page, as the server pages it. */
  private void serveLog() {
    serveLog(true);
  }

  private void serveLog(boolean perChangeCursors) {
    kvs.serves(KvsClient.CHANGES_SINCE, message -> message.reply(logPage(message.body(), perChangeCursors)));
  }

  /** The page of the log a changesSince request asks for. */
  private JsonObject logPage(JsonObject request, boolean perChangeCursors) {
    int from = Integer.parseInt(request.getString("cursor", "0"));
    int to = Math.min(log.size(), from + 2);
    JsonArray page = new JsonArray();
    for (JsonObject change : log.subList(from, to)) {
      page.add(perChangeCursors ? change : change.copy().putNull("cursor"));
    }
    return new JsonObject().put("changes", page).put("list_complete", to == log.size())
        .put("cursor", String.valueOf(to));
  }

  private List<String> receivedKeys() {
    return received.stream().map(KvsChange::key).toList();
  }

  private static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + FakeKvs.WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + FakeKvs.WAIT + ": " + what);
      }
      Thread.sleep(10);
    }
  }

  /** Nobody listens on the address any more: a request to it finds no handler. */
  private void assertNobodyListens() {
    ReplyException none = assertInstanceOf(ReplyException.class,
        failure(vertx.eventBus().request(ADDRESS, new JsonObject())));
    assertEquals(ReplyFailure.NO_HANDLERS, none.failureType());
  }

  @Test
  void aSubscriptionHandsOverEachPublishedChangeTyped() throws Exception {
    KvsSubscription subscription = client.changes(received::add);
    await(subscription.ready());

    vertx.eventBus().publish(ADDRESS, change("delete", "user:1", 7));
    vertx.eventBus().publish("kvs.changes.other", change("write", "not-mine", 8));
    vertx.eventBus().publish(ADDRESS, change("expire", "user:2", 9));
    waitUntil(() -> received.size() >= 2, "two changes of demo");

    assertEquals(ADDRESS, subscription.address());
    assertEquals(List.of(
        new KvsChange(KvsChange.Op.DELETE, "user:1", Instant.parse(AT), Instant.parse(AT), "7"),
        new KvsChange(KvsChange.Op.EXPIRE, "user:2", Instant.parse(AT), Instant.parse(AT), "9")), received);

    await(subscription.unregister());
    assertNobodyListens();
  }

  @Test
  void followCatchesUpPageByPageThenKeepsUpLiveEachChangeOnce() throws Exception {
    serveLog();
    commit("a");
    commit("b");
    commit("c");

    KvsFollower follower = client.follow(null, received::add);
    waitUntil(() -> received.size() >= 3, "the three logged changes");

    // A new change, announced live, with a stray repeat of an old one's message: each arrives once.
    JsonObject d = commit("d");
    vertx.eventBus().publish(ADDRESS, log.get(2));
    vertx.eventBus().publish(ADDRESS, d);
    vertx.eventBus().publish(ADDRESS, d);
    waitUntil(() -> received.size() >= 4, "d");
    JsonObject e = commit("e");
    vertx.eventBus().publish(ADDRESS, e);
    waitUntil(() -> received.size() >= 5, "e");

    assertEquals(List.of("a", "b", "c", "d", "e"), receivedKeys());
    assertEquals("5", follower.cursor());
    await(follower.unregister());
    await(follower.ended());
    assertNobodyListens();
  }

  @Test
  void aLiveMessageDuringAReadMakesOneMoreReadAfterIt() throws Exception {
    commit("a");
    Promise<Void> release = Promise.promise();
    AtomicInteger reads = new AtomicInteger();
    kvs.serves(KvsClient.CHANGES_SINCE, message -> {
      JsonObject page = logPage(message.body(), true);
      if (reads.getAndIncrement() == 0) {
        release.future().onComplete(v -> message.reply(page)); // the first read: answered late
      } else {
        message.reply(page);
      }
    });
    Context context = vertx.getOrCreateContext();
    CompletableFuture<KvsFollower> follower = new CompletableFuture<>();
    context.runOnContext(v -> follower.complete(client.follow(null, received::add)));
    kvs.request(); // the first read's page is made (a only) and held

    vertx.eventBus().publish(ADDRESS, commit("b"));
    // Handled after the live message: the follower's context is this one, its tasks run in order.
    await(Future.<Void>future(done -> context.runOnContext(v -> done.complete())));
    release.complete();

    waitUntil(() -> received.size() >= 2, "b, read after the held read");
    assertEquals(List.of("a", "b"), receivedKeys());
    await(follower.join().unregister());
  }

  @Test
  void followFromACursorStartsAfterIt() throws Exception {
    serveLog();
    commit("a");
    commit("b");
    commit("c");

    KvsFollower follower = client.follow("2", received::add);
    waitUntil(() -> received.size() >= 1, "c");

    assertEquals(List.of("c"), receivedKeys());
    assertEquals("3", follower.cursor());
    await(follower.unregister());
  }

  @Test
  void followGoesOnFromThePageCursorWhenChangesCarryNone() throws Exception {
    serveLog(false);
    commit("a");
    commit("b");
    commit("c");

    KvsFollower follower = client.follow(null, received::add);
    waitUntil(() -> received.size() >= 3, "the three logged changes");
    JsonObject d = commit("d");
    vertx.eventBus().publish(ADDRESS, d);
    waitUntil(() -> received.size() >= 4, "d");

    assertEquals(List.of("a", "b", "c", "d"), receivedKeys());
    assertEquals("4", follower.cursor());
    await(follower.unregister());
  }

  @Test
  void followReadsAChangeWhoseLiveMessageWasLost() throws Exception {
    serveLog();
    KvsClient polling = KvsClient.create(vertx, new KvsClientOptions("demo").setFollowPollInterval(Duration.ofMillis(100)));
    KvsFollower follower = polling.follow(null, received::add);
    kvs.request(); // the first read has been answered: the log was empty

    commit("quiet"); // no live message: only the poll interval (100 ms here) finds it
    waitUntil(() -> received.size() >= 1, "the change nobody announced");

    assertEquals(List.of("quiet"), receivedKeys());
    await(follower.unregister());
  }

  @Test
  void followEndsWithCursorExpiredAndKeepsItsCursor() {
    kvs.fails(KvsClient.CHANGES_SINCE, 410, "cursor_expired", "the change log no longer reaches back to this cursor");

    KvsFollower follower = client.follow("ancient", received::add);

    KvsFailure ended = assertInstanceOf(KvsFailure.class, failure(follower.ended()));
    assertEquals(410, ended.status());
    assertEquals(KvsFailure.CURSOR_EXPIRED, ended.code());
    assertEquals("ancient", follower.cursor(), "where to follow again from");
    assertEquals(List.of(), received);
    assertNobodyListens();
  }

  @Test
  void followStopsAtAHandlerFailureWithTheCursorOfTheLastChangeHandled() throws Exception {
    serveLog();
    commit("a");
    commit("poison");
    commit("c");
    IllegalStateException poison = new IllegalStateException("cannot handle poison");

    KvsFollower follower = client.follow(null, change -> {
      if (change.key().equals("poison")) {
        throw poison;
      }
      received.add(change);
    });

    assertSame(poison, failure(follower.ended()));
    assertEquals(List.of("a"), receivedKeys());
    assertEquals("1", follower.cursor(), "following again from here retries the change that failed");
  }

  @Test
  void followHandsOverNothingAfterUnregisterFromItsHandler() throws Exception {
    serveLog();
    commit("a");
    commit("b");
    // The handler may run before follow() has returned here: it waits for the follower (microseconds).
    CompletableFuture<KvsFollower> self = new CompletableFuture<>();

    self.complete(client.follow(null, change -> {
      received.add(change);
      self.join().unregister();
    }));

    await(self.join().ended());
    assertEquals(List.of("a"), receivedKeys(), "b is in the same page, yet not handed over");
    assertTrue(self.join().ended().succeeded());
  }
}
