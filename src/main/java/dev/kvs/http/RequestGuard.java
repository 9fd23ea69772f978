package dev.kvs.http;

import dev.kvs.service.KvsException;
import dev.kvs.metrics.Metrics;
import io.vertx.ext.web.RoutingContext;

/**
 * What every request must pass before it is routed: a method HTTP defines (anything else is 501,
 * on every path alike) and a URL whose percent-escapes all decode (400 otherwise, wherever the
 * broken escape is: path, key or query).
 */
final class RequestGuard {
  private static final KvsException BROKEN_ESCAPE =
      KvsException.badRequest("invalid_request", "the URL has a broken percent-escape");

  private final Responses responses;

  RequestGuard(Responses responses) {
    this.responses = responses;
  }

  void handle(RoutingContext ctx) {
    if (!Metrics.STANDARD_HTTP_METHODS.contains(ctx.request().method().name())) {
      responses.error(ctx.request(), Responses.forStatus(501));
    } else if (!KvPath.escapesWellFormed(ctx.request().uri())) {
      responses.error(ctx.request(), BROKEN_ESCAPE);
    } else {
      ctx.next();
    }
  }
}
