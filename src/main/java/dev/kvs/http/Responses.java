package dev.kvs.http;

import dev.kvs.service.KvsException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends answers: JSON with pre-built header values, and every failure rendered as API.md's error
 * body. Unexpected failures become a 500 whose body repeats the request id of the log line that
 * holds the details; no stack trace or SQL ever reaches a client.
 */
final class Responses {
  private static final Logger LOG = LoggerFactory.getLogger(Responses.class);
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json; charset=utf-8");

  private final CharSequence retryAfterSeconds;

  Responses(int retryAfterSeconds) {
    this.retryAfterSeconds = HttpHeaders.createOptimized(Integer.toString(retryAfterSeconds));
  }

  void json(RoutingContext ctx, int status, Buffer body) {
    HttpServerResponse response = ctx.response();
    if (response.ended()) {
      return;
    }
    response.setStatusCode(status);
    response.headers().set(HttpHeaders.CONTENT_TYPE, JSON);
    response.end(body);
  }

  void failure(RoutingContext ctx, Throwable failure) {
    if (failure instanceof KvsException e) {
      if (e.status() == 503 || e.status() == 429) {
        ctx.response().headers().set(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
      }
      json(ctx, e.status(), JsonBodies.error(e, e.getMessage()));
      return;
    }
    String requestId = UUID.randomUUID().toString();
    LOG.error("request {} {} {} failed", requestId, ctx.request().method(), ctx.request().path(), failure);
    ctx.response().headers().set("X-Request-Id", requestId);
    KvsException internal = new KvsException(500, "internal", "internal error, request id " + requestId);
    json(ctx, 500, JsonBodies.error(internal, internal.getMessage()));
  }

  /** The error body for a status the router produced itself (no route, wrong method, body too large). */
  void routerError(RoutingContext ctx, int status) {
    if (status >= 500) {
      // Whatever the router could not handle is ours to explain: logged, with a request id.
      failure(ctx, ctx.failure() != null ? ctx.failure() : new IllegalStateException("router answered " + status));
      return;
    }
    KvsException e = switch (status) {
      case 404 -> new KvsException(404, "not_found", "no such endpoint");
      case 405 -> new KvsException(405, "method_not_allowed", "this endpoint does not take " + ctx.request().method());
      case 413 -> new KvsException(413, "too_large", "the request body is over the limit");
      // The router refuses a path it cannot percent-decode before any handler runs; in the API
      // the only free-form part of a path is the key.
      case 400 -> ctx.request().path().contains("/kv/")
          ? KvsException.badRequest("invalid_key", "the key in the path has a broken percent-encoding")
          : KvsException.badRequest("invalid_request", "the request could not be read");
      default -> new KvsException(status, "invalid_request", "the request could not be served");
    };
    json(ctx, status, JsonBodies.error(e, e.getMessage()));
  }
}
