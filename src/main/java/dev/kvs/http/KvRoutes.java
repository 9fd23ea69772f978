package dev.kvs.http;

import dev.kvs.service.KvService;
import dev.kvs.service.KvsException;
import dev.kvs.service.WriteRequest;
import dev.kvs.service.WriteRequestParser;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;

/** The key-value endpoints of API.md, dispatched on the raw path (see {@link KvPath}). */
final class KvRoutes {
  private final KvService service;
  private final WriteRequestParser parser;
  private final Responses responses;

  KvRoutes(KvService service, WriteRequestParser parser, Responses responses) {
    this.service = service;
    this.parser = parser;
    this.responses = responses;
  }

  void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    KvPath path;
    try {
      path = KvPath.parse(request.path());
    } catch (KvsException e) {
      responses.failure(ctx, e);
      return;
    }
    if (path == null) {
      ctx.next(); // not ours: the router answers 404
      return;
    }
    request.routed(path.template());
    HttpMethod method = request.method();
    if (HttpMethod.GET.equals(method)) {
      get(ctx, path);
    } else if (HttpMethod.PUT.equals(method)) {
      put(ctx, path);
    } else if (HttpMethod.DELETE.equals(method)) {
      delete(ctx, path);
    } else {
      responses.routerError(ctx, 405);
    }
  }

  private void get(RoutingContext ctx, KvPath path) {
    service.get(path.ns(), path.key()).onComplete(
        found -> responses.json(ctx, 200, JsonBodies.record(path.key(), found)),
        failure -> responses.failure(ctx, failure));
  }

  private void put(RoutingContext ctx, KvPath path) {
    WriteRequest write;
    try {
      write = parser.parse(bodyBytes(ctx), System.currentTimeMillis());
    } catch (KvsException e) {
      responses.failure(ctx, e);
      return;
    }
    service.write(path.ns(), path.key(), write).onComplete(
        stored -> responses.json(ctx, 200, JsonBodies.record(path.key(), stored)),
        failure -> responses.failure(ctx, failure));
  }

  private void delete(RoutingContext ctx, KvPath path) {
    service.delete(path.ns(), path.key()).onComplete(
        done -> responses.json(ctx, 200, JsonBodies.EMPTY_OBJECT),
        failure -> responses.failure(ctx, failure));
  }

  private static byte[] bodyBytes(RoutingContext ctx) {
    RequestBody body = ctx.body();
    return body == null || body.buffer() == null ? new byte[0] : body.buffer().getBytes();
  }
}
