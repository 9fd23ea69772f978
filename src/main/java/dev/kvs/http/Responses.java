package dev.kvs.http;

import dev.kvs.access.RateLimitedException;
import dev.kvs.api.JsonBodies;
import dev.kvs.logging.LogRateLimit;
import dev.kvs.service.KvsException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends answers: JSON with pre-built header values, and every failure rendered as the API's error
 * body, whoever produced it (a handler, the body reader, the router, the HTTP decoder).
 * Unexpected failures become a 500 whose body repeats the request id of the log line that holds
 * the details; those lines are rate limited, and no stack trace or SQL ever reaches a client.
 */
final class Responses {
  private static final Logger LOG = LoggerFactory.getLogger(Responses.class);
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json; charset=utf-8");
  private static final CharSequence WWW_AUTHENTICATE = HttpHeaders.createOptimized("WWW-Authenticate");
  // RFC 6750: a request without credentials gets the scheme; one with bad credentials, the error too.
  private static final CharSequence BEARER = HttpHeaders.createOptimized("Bearer realm=\"kvs\"");
  private static final CharSequence BEARER_INVALID_TOKEN =
      HttpHeaders.createOptimized("Bearer realm=\"kvs\", error=\"invalid_token\"");
  private static final CharSequence BEARER_INSUFFICIENT_SCOPE =
      HttpHeaders.createOptimized("Bearer realm=\"kvs\", error=\"insufficient_scope\"");

  /** How long a connection is drained after an answer that left its request body unread. */
  private static final long LINGER_MS = 2_000;

  private final Vertx vertx;
  private final CharSequence retryAfterSeconds;
  private final LogRateLimit internalErrors = new LogRateLimit(10, TimeUnit.SECONDS);

  Responses(Vertx vertx, int retryAfterSeconds) {
    this.vertx = vertx;
    this.retryAfterSeconds = HttpHeaders.createOptimized(Integer.toString(retryAfterSeconds));
  }

  void json(RoutingContext ctx, int status, Buffer body) {
    send(ctx.request(), status, body);
  }

  /** An API error (a 4xx, a 409, a 503 with Retry-After), or a 500 for anything else. */
  void failure(RoutingContext ctx, Throwable failure) {
    if (failure instanceof KvsException e) {
      error(ctx.request(), e);
      return;
    }
    String requestId = UUID.randomUUID().toString();
    String more = internalErrors.permit();
    if (more != null) {
      LOG.error("request {} {} {} failed{}", requestId, ctx.request().method(), ctx.request().path(), more, failure);
    }
    ctx.response().headers().set("X-Request-Id", requestId);
    error(ctx.request(), new KvsException(500, "internal", "internal error, request id " + requestId));
  }

  void error(HttpServerRequest request, KvsException e) {
    switch (e.status()) {
      case 401 -> request.response().headers().set(WWW_AUTHENTICATE,
          request.headers().contains(HttpHeaders.AUTHORIZATION) ? BEARER_INVALID_TOKEN : BEARER);
      case 403 -> request.response().headers().set(WWW_AUTHENTICATE, BEARER_INSUFFICIENT_SCOPE);
      case 429 -> request.response().headers().set(HttpHeaders.RETRY_AFTER, e instanceof RateLimitedException limited
          ? Long.toString(limited.retryAfterSeconds()) : retryAfterSeconds.toString());
      case 503 -> request.response().headers().set(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
      default -> { }
    }
    send(request, e.status(), JsonBodies.error(e, e.getMessage()));
  }

  /**
   * The router's failure handler: what a handler or the body reader failed with. A client that
   * went away is no error of ours and has nobody to answer.
   */
  void routingFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof HttpClosedException || failure instanceof IOException || ctx.response().closed()) {
      // Closed or reset by the client while its request was still arriving.
      LOG.debug("client went away before its answer: {} {}: {}", ctx.request().method(), ctx.request().path(),
          failure == null ? "closed" : failure.toString());
      if (!ctx.response().closed()) {
        ctx.request().connection().close();
      }
      return;
    }
    int status = ctx.statusCode();
    if (status == -1 && failure instanceof HttpException http) {
      status = http.getStatusCode();
    }
    if (failure instanceof KvsException || status < 400 || status >= 500) {
      failure(ctx, failure != null ? failure : new IllegalStateException("routing failed with status " + status));
    } else {
      error(ctx.request(), forStatus(status));
    }
  }

  /**
   * Makes {@code router} answer whatever fails in it, and what it answers itself (no route, a method
   * the route does not take, a path it cannot decode), with the API's error bodies.
   */
  void answerErrorsOf(Router router) {
    router.route().failureHandler(this::routingFailure);
    for (int status : new int[] {400, 404, 405, 413, 500}) {
      router.errorHandler(status, ctx -> routerStatus(ctx, status));
    }
  }

  /**
   * Goes on with {@code next} once a request is admitted, or answers its refusal. An admission the
   * caches cannot decide at once waits for the database: the request is paused meanwhile, so a
   * body arriving in between waits for the body reader instead of being dropped.
   */
  <T> void whenAdmitted(RoutingContext ctx, Future<T> admitted, Handler<T> next) {
    if (!admitted.isComplete() && !ctx.request().isEnded()) {
      ctx.request().pause();
    }
    admitted.onComplete(next, failure -> failure(ctx, failure));
  }

  /** The router's own answers (no route matched, a path it could not decode), as error bodies. */
  void routerStatus(RoutingContext ctx, int status) {
    if (status >= 500 || ctx.failure() != null) {
      routingFailure(ctx);
    } else {
      error(ctx.request(), forStatus(status));
    }
  }

  /** A request the HTTP decoder refused (line or headers too long, malformed): answered, then closed. */
  void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = cause instanceof TooLongHttpLineException ? 414
        : cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException ? 431
        : 400;
    KvsException e = forStatus(status);
    HttpServerResponse response = request.response();
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).putHeader(HttpHeaders.CONNECTION, "close");
    response.end(JsonBodies.error(e, e.getMessage())).onComplete(done -> request.connection().close());
  }

  /** The API error of an HTTP status produced outside the service (router, body reader, server). */
  static KvsException forStatus(int status) {
    return switch (status) {
      case 404 -> new KvsException(404, "not_found", "no such endpoint");
      case 405 -> new KvsException(405, "method_not_allowed", "this endpoint does not take this method");
      case 408 -> new KvsException(408, "request_timeout", "the request did not arrive in time");
      case 413 -> new KvsException(413, "too_large", "the request body is over the limit");
      case 414 -> new KvsException(414, "uri_too_long", "the request line is over the limit");
      case 415 -> new KvsException(415, "unsupported_media_type", "the body must be application/json (UTF-8)");
      case 417 -> new KvsException(417, "expectation_failed", "only \"Expect: 100-continue\" is supported");
      case 431 -> new KvsException(431, "headers_too_large", "the request headers are over the limit");
      case 501 -> new KvsException(501, "not_implemented", "this server does not implement the method");
      case 403 -> new KvsException(403, "forbidden", "this request is not allowed");
      default -> new KvsException(400, "invalid_request", "the request could not be read");
    };
  }

  /**
   * Ends the response. When the request declared a body that was not read (an error answered
   * before reading it, or a body where none belongs), the connection is closed after the answer
   * ({@link #closeAfterUnreadBody}): draining a body nobody will use for as long as the client
   * sends it would let a client keep the server reading for nothing.
   */
  private void send(HttpServerRequest request, int status, Buffer body) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status);
    response.headers().set(HttpHeaders.CONTENT_TYPE, JSON);
    if (request.version() != HttpVersion.HTTP_2 && !request.isEnded() && declaresBody(request)) {
      response.headers().set(HttpHeaders.CONNECTION, "close");
      response.end(body).onComplete(done -> closeAfterUnreadBody(request));
    } else {
      response.end(body);
    }
  }

  /**
   * Closing a connection with request bytes still unread makes the kernel reset it, and the reset
   * can destroy the answer before the client has read it. So what is still arriving is read and
   * dropped until the request ends, for {@link #LINGER_MS} at most, and then the connection closes.
   */
  private void closeAfterUnreadBody(HttpServerRequest request) {
    if (request.isEnded()) {
      request.connection().close();
      return;
    }
    long linger = vertx.setTimer(LINGER_MS, id -> request.connection().close());
    request.handler(dropped -> { }).endHandler(ended -> {
      vertx.cancelTimer(linger);
      request.connection().close();
    });
    request.resume();
  }

  private static boolean declaresBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return request.headers().contains(HttpHeaders.TRANSFER_ENCODING) || (length != null && !length.equals("0"));
  }
}
