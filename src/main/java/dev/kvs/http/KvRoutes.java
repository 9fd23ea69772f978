package dev.kvs.http;

import dev.kvs.config.KvsConfig;
import dev.kvs.service.KvService;
import dev.kvs.service.ListRequest;
import dev.kvs.service.KvsException;
import dev.kvs.service.WriteRequest;
import dev.kvs.service.WriteRequestParser;
import dev.kvs.service.WriteRequestParser.KeyedWrite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** The key-value endpoints of API.md, dispatched on the raw path (see {@link KvPath}). */
final class KvRoutes {
  static final int MAX_BULK_GET = 100;
  static final int MAX_BULK_WRITE = KvsConfig.MAX_BULK_WRITE_ITEMS;
  static final int MAX_BULK_DELETE = 1_000;

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
    request.routed(path.resource().template);
    HttpMethod method = request.method();
    if (!path.resource().methods.contains(method)) {
      responses.routerError(ctx, 405);
      return;
    }
    try {
      switch (path.resource()) {
        case RECORD -> {
          if (HttpMethod.GET.equals(method)) {
            get(ctx, path);
          } else if (HttpMethod.PUT.equals(method)) {
            put(ctx, path);
          } else {
            delete(ctx, path);
          }
        }
        case LIST -> list(ctx, path);
        case BULK_GET -> bulkGet(ctx, path);
        case BULK_WRITE -> bulkWrite(ctx, path);
        case BULK_DELETE -> bulkDelete(ctx, path);
      }
    } catch (KvsException e) {
      responses.failure(ctx, e); // a request that failed validation before reaching the service
    }
  }

  private void get(RoutingContext ctx, KvPath path) {
    service.get(path.ns(), path.key()).onComplete(
        found -> responses.json(ctx, 200, JsonBodies.record(path.key(), found)),
        failure -> responses.failure(ctx, failure));
  }

  private void put(RoutingContext ctx, KvPath path) {
    WriteRequest write = parser.parse(bodyBytes(ctx), System.currentTimeMillis());
    service.write(path.ns(), path.key(), write).onComplete(
        stored -> responses.json(ctx, 200, JsonBodies.record(path.key(), stored)),
        failure -> responses.failure(ctx, failure));
  }

  private void delete(RoutingContext ctx, KvPath path) {
    service.delete(path.ns(), path.key()).onComplete(
        done -> responses.json(ctx, 200, JsonBodies.EMPTY_OBJECT),
        failure -> responses.failure(ctx, failure));
  }

  private void list(RoutingContext ctx, KvPath path) {
    HttpServerRequest request = ctx.request();
    ListRequest query = ListRequest.of(request.getParam("prefix"), request.getParam("limit"), request.getParam("cursor"));
    service.list(path.ns(), query).onComplete(
        page -> responses.json(ctx, 200, JsonBodies.listPage(page)),
        failure -> responses.failure(ctx, failure));
  }

  private void bulkGet(RoutingContext ctx, KvPath path) {
    List<String> keys = parser.parseKeys(bodyBytes(ctx), MAX_BULK_GET);
    service.bulkGet(path.ns(), keys).onComplete(
        found -> responses.json(ctx, 200, JsonBodies.records(keys, found)),
        failure -> responses.failure(ctx, failure));
  }

  private void bulkWrite(RoutingContext ctx, KvPath path) {
    List<KeyedWrite> items = parser.parseBulkWrite(bodyBytes(ctx), System.currentTimeMillis(), MAX_BULK_WRITE);
    service.bulkWrite(path.ns(), items).onComplete(
        written -> responses.json(ctx, 200, JsonBodies.count("written", written)),
        failure -> responses.failure(ctx, failure));
  }

  private void bulkDelete(RoutingContext ctx, KvPath path) {
    List<String> keys = parser.parseKeys(bodyBytes(ctx), MAX_BULK_DELETE);
    service.bulkDelete(path.ns(), keys).onComplete(
        deleted -> responses.json(ctx, 200, JsonBodies.count("deleted", deleted)),
        failure -> responses.failure(ctx, failure));
  }

  private static byte[] bodyBytes(RoutingContext ctx) {
    RequestBody body = ctx.body();
    return body == null || body.buffer() == null ? new byte[0] : body.buffer().getBytes();
  }
}
