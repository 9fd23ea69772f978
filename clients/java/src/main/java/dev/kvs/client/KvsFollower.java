package dev.kvs.client;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * Follows a namespace's change log from a cursor ({@link Kvs#follow}): catches up, then keeps
 * up as changes happen.
 *
 * <p>Changes are only ever read with {@code changesSince}, each from the cursor the previous read
 * ended at; a message of the live feed (on the event bus: {@link KvsClient}), or the poll timer
 * (the only wake-up over HTTP: {@link KvsHttpClient}), only says "read again". So no change
 * is handed over twice and none is skipped, whatever the live feed delivers or loses. A read
 * asked for while one is in flight is made once that one is done (one read serves many messages).
 *
 * <p>All state is touched on one context only: the one {@code follow} was called on.
 */
public final class KvsFollower {
  private final Kvs client;
  private final Vertx vertx;
  private final Context context;
  private final String address;
  private final Handler<KvsChange> handler;
  private final long pollIntervalMs;
  private final Promise<Void> ended = Promise.promise();

  private volatile String cursor;
  // Set by unregister() at once, from any thread (stop() itself runs on the context later).
  private volatile boolean stopRequested;
  private boolean stopped;
  private boolean reading;
  private boolean readAgain;
  private MessageConsumer<Object> consumer;
  private long timer = -1;

  private KvsFollower(Kvs client, Vertx vertx, Context context, String address, String cursor,
      Handler<KvsChange> handler, long pollIntervalMs) {
    this.client = client;
    this.vertx = vertx;
    this.context = context;
    this.address = address;
    this.cursor = cursor;
    this.handler = handler;
    this.pollIntervalMs = pollIntervalMs;
  }

  /** {@code address}: the live feed that wakes the follower; null for none (it then polls only). */
  static KvsFollower start(Kvs client, Vertx vertx, String address, String cursor,
      Handler<KvsChange> handler, long pollIntervalMs) {
    Context context = vertx.getOrCreateContext();
    KvsFollower follower = new KvsFollower(client, vertx, context, address, cursor, handler, pollIntervalMs);
    context.runOnContext(v -> follower.subscribe());
    return follower;
  }

  /**
   * The position after the last change handed to the handler (the cursor {@code follow} was given
   * until then): where to follow again from after {@link #ended()} failed.
   */
  public String cursor() {
    return cursor;
  }

  /**
   * Completes when {@link #unregister()} stopped following; otherwise fails, once nothing listens
   * any more, with what stopped it: a {@link KvsFailure} of a read (410 {@code cursor_expired}:
   * the log no longer reaches back to the cursor, so re-list the namespace) or the exception the
   * handler threw.
   */
  public Future<Void> ended() {
    return ended.future();
  }

  /**
   * Stops following: no change is handed to the handler after this call (the handler itself may
   * call it). Completes once nothing listens any more, also when following had already ended
   * with a failure.
   */
  public Future<Void> unregister() {
    stopRequested = true;
    context.runOnContext(v -> stop(null));
    return ended.future().otherwiseEmpty();
  }

  /** Listens first, then reads: a change committed after the first read is sure to wake a read. */
  private void subscribe() {
    if (stopRequested) {
      return;
    }
    timer = vertx.setPeriodic(pollIntervalMs, id -> read());
    if (address == null) {
      read();
      return;
    }
    consumer = vertx.eventBus().consumer(address, message -> read());
    consumer.completion().onComplete(registered -> read(), this::stop);
  }

  private void read() {
    if (stopped || stopRequested) {
      return;
    }
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    readAgain = false;
    client.changesSince(cursor).onComplete(this::handOver, this::stop);
  }

  private void handOver(KvsChangePage page) {
    reading = false;
    for (KvsChange change : page.changes()) {
      if (stopped || stopRequested) {
        return;
      }
      try {
        handler.handle(change);
      } catch (RuntimeException failure) {
        stop(failure);
        return;
      }
      if (change.cursor() != null) {
        cursor = change.cursor();
      }
    }
    cursor = page.cursor();
    // An incomplete page is read on at once; an empty one never is, so a server that kept
    // answering "incomplete, nothing" could not spin this into a busy loop.
    if (!page.listComplete() && !page.changes().isEmpty() || readAgain) {
      read();
    }
  }

  /** Stops reading and listening; {@link #ended()} completes once nothing listens any more. */
  private void stop(Throwable failure) {
    if (stopped) {
      return;
    }
    stopped = true;
    reading = false;
    vertx.cancelTimer(timer);
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    unregistered.onComplete(done -> {
      if (failure == null) {
        ended.tryComplete();
      } else {
        ended.tryFail(failure);
      }
    });
  }
}
