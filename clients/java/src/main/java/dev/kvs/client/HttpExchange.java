package dev.kvs.client;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One try of one HTTP call: sends the request, reads the whole answer, whatever its status, within
 * the request timeout. Only a failure to get an answer fails the future, already typed: 504
 * {@code timeout} when the deadline passed, 503 {@code unavailable} when KVS could not be
 * reached or the connection broke.
 */
final class HttpExchange {
  /** An answer of KVS: its status, its Retry-After header (or null) and its body. */
  record Answer(int status, String retryAfter, Buffer body) {}

  private final Vertx vertx;
  /** Made with {@code target}'s host, port and scheme as its defaults: a request names only its URI. */
  private final HttpClient client;
  /** KVS's address in failure messages. */
  private final String where;
  private final String authorization;
  private final long timeoutMs;

  HttpExchange(Vertx vertx, HttpClient client, BaseUrl target, String token, long timeoutMs) {
    this.vertx = vertx;
    this.client = client;
    this.where = (target.ssl() ? "https://" : "http://") + target.host() + ":" + target.port();
    this.authorization = token == null ? null : "Bearer " + token;
    this.timeoutMs = timeoutMs;
  }

  /** Sends {@code body} (JSON text, null for none) to {@code uri}. */
  Future<Answer> send(HttpMethod method, String uri, String body) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(uri)
        .putHeader(HttpHeaders.ACCEPT, "application/json");
    if (authorization != null) {
      options.putHeader(HttpHeaders.AUTHORIZATION, authorization);
    }
    if (body != null) {
      options.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    }

    Promise<Answer> answer = Promise.promise();
    // On a context: the answer's head and body are then handed to this exchange in order on that
    // context's thread. Composed from a thread of no context, the body could end before
    // response.body() asks for it, and the call would never complete.
    Context context = vertx.getOrCreateContext();
    if (Vertx.currentContext() == context) {
      start(options, body, answer);
    } else {
      context.runOnContext(v -> start(options, body, answer));
    }
    return answer.future();
  }

  private void start(RequestOptions options, String body, Promise<Answer> answer) {
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    // One deadline over everything (waiting for a pooled connection too), not the client's idle timeout,
    // which a slow trickle of bytes would never trip.
    long deadline = vertx.setTimer(timeoutMs, id -> {
      if (answer.tryFail(timedOut())) {
        abandon(sent.get());
      }
    });
    client.request(options)
        .compose(request -> {
          sent.set(request);
          if (answer.future().isComplete()) {
            abandon(request);
            return Future.failedFuture(timedOut());
          }
          return body == null ? request.send() : request.send(Buffer.buffer(body));
        })
        .compose(response -> response.body()
            .map(bytes -> new Answer(response.statusCode(), response.getHeader(HttpHeaders.RETRY_AFTER), bytes)))
        .onComplete(done -> {
          vertx.cancelTimer(deadline);
          if (done.succeeded()) {
            answer.tryComplete(done.result());
          } else {
            answer.tryFail(transportFailure(done.cause()));
          }
        });
  }

  /** A request whose answer nobody waits for any more: reset, so its connection is not reused mid-answer. */
  private static void abandon(HttpClientRequest request) {
    if (request != null) {
      request.reset();
    }
  }

  private KvsFailure timedOut() {
    return new KvsFailure(504, KvsFailure.TIMEOUT, "no answer from KVS at " + where + " within the request timeout ("
        + timeoutMs + " ms); a write may or may not have been applied");
  }

  /** What a failure to get an answer means for the caller. */
  private KvsFailure transportFailure(Throwable failure) {
    if (failure instanceof KvsFailure typed) {
      return typed;
    }
    if (failure instanceof ConnectException || failure instanceof UnknownHostException) {
      // Nothing was sent: as when no KVS process serves an event bus address.
      return new KvsFailure(503, KvsFailure.UNAVAILABLE, "cannot connect to KVS at " + where + ": " + failure.getMessage(),
          failure);
    }
    return new KvsFailure(503, KvsFailure.UNAVAILABLE, "the connection to KVS at " + where
        + " failed before the answer; a write may or may not have been applied: " + failure, failure);
  }
}
