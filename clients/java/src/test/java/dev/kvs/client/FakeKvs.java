package dev.kvs.client;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A stand-in for KVS on a local event bus: it answers an address with a canned reply or failure,
 * shaped as the server's, and keeps every request it got so a test can look at what the client sent.
 */
final class FakeKvs {
  static final Duration WAIT = Duration.ofSeconds(5);

  /** A request as the server would see it. */
  record Request(JsonObject body, MultiMap headers) {}

  private final Vertx vertx;
  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();

  FakeKvs(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Answers every request to {@code address} with {@code reply}. */
  FakeKvs replies(String address, JsonObject reply) {
    return serves(address, message -> message.reply(reply.copy()));
  }

  /** Fails every request to {@code address} as KVS does: the status as failure code, the error JSON as message. */
  FakeKvs fails(String address, int status, String code, String message) {
    String error = new JsonObject().put("error",
        new JsonObject().put("status", status).put("code", code).put("message", message)).encode();
    return failsWith(address, status, error);
  }

  /** Fails every request to {@code address} with this failure code and message, as they are. */
  FakeKvs failsWith(String address, int failureCode, String message) {
    return serves(address, request -> request.fail(failureCode, message));
  }

  /** Takes requests to {@code address} and never answers. */
  FakeKvs ignores(String address) {
    return serves(address, message -> {});
  }

  /**
   * Answers requests to {@code address} with {@code answer}, then keeps each request: once
   * {@link #request()} has it, its answer is made.
   */
  FakeKvs serves(String address, Consumer<Message<JsonObject>> answer) {
    await(vertx.eventBus().<JsonObject>consumer(address, message -> {
      answer.accept(message);
      requests.add(new Request(message.body(), message.headers()));
    }).completion());
    return this;
  }

  /** The next request the fake got (waits for it). */
  Request request() throws InterruptedException {
    Request request = requests.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(request, "no request reached the fake within " + WAIT);
    return request;
  }

  /** The result of a future, waiting at most {@link #WAIT}; its failure, thrown, when it failed. */
  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException failed) {
      throw failed.getCause() instanceof RuntimeException e ? e : new IllegalStateException(failed.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("the future did not complete within " + WAIT, e);
    }
  }

  /** The failure of a future that must fail, waiting at most {@link #WAIT}. */
  static Throwable failure(Future<?> future) {
    try {
      Object result = future.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a failure, got " + result);
    } catch (ExecutionException failed) {
      return failed.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("the future did not complete within " + WAIT, e);
    }
  }
}
