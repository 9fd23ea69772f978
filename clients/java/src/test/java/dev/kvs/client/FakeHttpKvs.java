package dev.kvs.client;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A stand-in for KVS's HTTP API on a local port: it answers with the answers a test queued, in
 * order, each once but the last, which answers every further request until another is queued;
 * it keeps every request it got.
 */
final class FakeHttpKvs {
  /** A request as the server saw it. */
  record Request(HttpMethod method, String uri, MultiMap headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final HttpServer server;
  private final Deque<Consumer<HttpServerRequest>> answers = new ArrayDeque<>();
  /** The head of {@link #answers} has answered already and stays only until another is queued. */
  private boolean headUsed;
  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();

  FakeHttpKvs(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      requests.add(new Request(request.method(), request.uri(), request.headers(), body.toString()));
      next().accept(request);
    }));
    FakeKvs.await(server.listen(0, "127.0.0.1"));
  }

  int port() {
    return server.actualPort();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** Answers the next request with {@code status} and a JSON body (null: none). */
  FakeHttpKvs answers(int status, JsonObject body) {
    return answers(status, body == null ? null : body.encode(), null);
  }

  /** Answers the next request with {@code status}, {@code body} as it is, and a Retry-After (null: none). */
  FakeHttpKvs answers(int status, String body, String retryAfter) {
    return answersWith(request -> {
      var response = request.response().setStatusCode(status);
      if (retryAfter != null) {
        response.putHeader("Retry-After", retryAfter);
      }
      if (body == null) {
        response.end();
      } else {
        response.putHeader("Content-Type", "application/json").end(body);
      }
    });
  }

  /** Answers the next request with the API's error JSON. */
  FakeHttpKvs fails(int status, String code, String message) {
    return answers(status, error(status, code, message).encode(), null);
  }

  /** Takes the next request and never answers it. */
  FakeHttpKvs ignores() {
    return answersWith(request -> {});
  }

  synchronized FakeHttpKvs answersWith(Consumer<HttpServerRequest> answer) {
    if (headUsed) {
      answers.poll();
      headUsed = false;
    }
    answers.add(answer);
    return this;
  }

  static JsonObject error(int status, String code, String message) {
    return new JsonObject().put("error", new JsonObject().put("status", status).put("code", code).put("message", message));
  }

  private synchronized Consumer<HttpServerRequest> next() {
    if (answers.size() > 1) {
      return answers.poll();
    }
    headUsed = true;
    return answers.peek();
  }

  /** The next request the fake got (waits for it). */
  Request request() throws InterruptedException {
    Request request = requests.poll(FakeKvs.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(request, "no request reached the fake within " + FakeKvs.WAIT);
    return request;
  }

  /** How many requests arrived so far and were not taken by {@link #request()}. */
  int pending() {
    return requests.size();
  }
}
