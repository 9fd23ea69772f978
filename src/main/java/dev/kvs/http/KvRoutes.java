package dev.kvs.http;

import dev.kvs.access.AccessControl;
import dev.kvs.access.Namespace;
import dev.kvs.api.KvCalls;
import dev.kvs.config.HttpConfig;
import dev.kvs.http.KvPath.Resource;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.MIMEHeader;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.EnumMap;
import java.util.Map;

/**
 * The key-value endpoints, dispatched on the raw path (see {@link KvPath}) in four steps:
 * <ol>
 *   <li>{@link #resolve}: which resource, is the method allowed (405 with Allow), and for a body,
 *       is it JSON (415): all from the request head, before a byte of body is read;</li>
 *   <li>{@link #admit}: may this caller make this call on this namespace (401, 403, 404
 *       namespace_not_found, 429), also before the body is read;</li>
 *   <li>{@link #readBody}: only writes and bulk calls read a body, each route with its own limit
 *       (413 as soon as it is passed) and a deadline for the whole body to arrive (408);</li>
 *   <li>{@link #serve}: the call to the service and its answer.</li>
 * </ol>
 */
final class KvRoutes {
  private static final String PATH = "kvs.path";
  private static final String NAMESPACE = "kvs.namespace";
  private static final String BODY_TIMER = "kvs.bodyTimer";

  private final KvCalls calls;
  private final AccessControl access;
  private final Responses responses;
  private final long bodyTimeoutMs;
  private final Map<Resource, BodyHandler> bodyReaders = new EnumMap<>(Resource.class);

  KvRoutes(KvCalls calls, AccessControl access, Responses responses, HttpConfig http) {
    this.calls = calls;
    this.access = access;
    this.responses = responses;
    this.bodyTimeoutMs = http.bodyTimeoutMs();
    HttpConfig.BodyLimits limits = http.bodyLimits();
    bodyReaders.put(Resource.RECORD, bodyReader(limits.write()));
    bodyReaders.put(Resource.BULK_GET, bodyReader(limits.bulkGet()));
    bodyReaders.put(Resource.BULK_WRITE, bodyReader(limits.bulkWrite()));
    bodyReaders.put(Resource.BULK_DELETE, bodyReader(limits.bulkDelete()));
  }

  private static BodyHandler bodyReader(int limit) {
    // Refuses with 413 as soon as the body passes the limit (at once when Content-Length says so).
    return BodyHandler.create(false).setBodyLimit(limit);
  }

  void mount(Route route) {
    route.handler(this::resolve).handler(this::admit).handler(this::readBody).handler(this::serve)
        .failureHandler(this::failed);
  }

  private void resolve(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    KvPath path = KvPath.parse(request.path());
    if (path == null) {
      ctx.next(); // not ours: the router answers 404
      return;
    }
    request.routed(path.resource().template);
    HttpMethod method = request.method();
    if (!path.resource().methods.contains(method)) {
      ctx.response().headers().set(HttpHeaders.ALLOW, path.resource().allow);
      responses.error(request, Responses.forStatus(405));
      return;
    }
    // Only JSON is read: a browser cannot send it cross-origin without a CORS preflight, so a web
    // page cannot write to a KVS it can reach (text/plain and forms are "simple requests").
    if (takesBody(method) && !isJson(ctx.parsedHeaders().contentType())) {
      responses.error(request, Responses.forStatus(415));
      return;
    }
    ctx.put(PATH, path);
    ctx.next();
  }

  private void admit(RoutingContext ctx) {
    KvPath path = ctx.get(PATH);
    if (path == null) {
      ctx.next();
      return;
    }
    HttpServerRequest request = ctx.request();
    Future<Namespace> admitted = access.forData(request.getHeader(HttpHeaders.AUTHORIZATION), path.ns(),
        path.resource().scope(request.method()));
    responses.whenAdmitted(ctx, admitted, ns -> {
      ctx.put(NAMESPACE, ns);
      ctx.next();
    });
  }

  private void readBody(RoutingContext ctx) {
    KvPath path = ctx.get(PATH);
    if (path == null || !takesBody(ctx.request().method())) {
      ctx.next();
      return;
    }
    if (!ctx.request().isEnded()) {
      // Cancelled when the body is in (serve) or reading it failed (failed): a timer left running
      // would hold the request and its partial body until it fires.
      ctx.put(BODY_TIMER, ctx.vertx().setTimer(bodyTimeoutMs, id -> bodyTooSlow(ctx)));
    }
    bodyReaders.get(path.resource()).handle(ctx);
  }

  /** The body did not arrive in time: answer 408 and close (Responses closes a half-read request). */
  private void bodyTooSlow(RoutingContext ctx) {
    responses.error(ctx.request(), Responses.forStatus(408));
  }

  private void serve(RoutingContext ctx) {
    KvPath path = ctx.remove(PATH);
    if (path == null) {
      ctx.next();
      return;
    }
    Namespace ns = ctx.remove(NAMESPACE);
    cancelBodyTimer(ctx);
    if (ctx.response().ended()) {
      return; // answered 408 while the last bytes were arriving
    }
    HttpMethod method = ctx.request().method();
    HttpServerRequest request = ctx.request();
    String name = path.ns();
    answer(ctx, switch (path.resource()) {
      case RECORD -> HttpMethod.GET.equals(method) ? calls.get(name, path.key())
          : HttpMethod.PUT.equals(method) ? calls.write(ns, path.key(), bodyBytes(ctx))
          : calls.delete(name, path.key());
      case LIST -> calls.list(name, request.getParam("prefix"), request.getParam("limit"), request.getParam("cursor"));
      case BULK_GET -> calls.bulkGet(name, bodyBytes(ctx));
      case BULK_WRITE -> calls.bulkWrite(ns, bodyBytes(ctx));
      case BULK_DELETE -> calls.bulkDelete(name, bodyBytes(ctx));
      case CHANGES -> calls.changes(name, request.getParam("cursor"), request.getParam("limit"));
    });
  }

  /** Any failure on the way (413 from the body reader, a client gone): stop the body deadline, then answer. */
  private void failed(RoutingContext ctx) {
    cancelBodyTimer(ctx);
    ctx.next();
  }

  private static void cancelBodyTimer(RoutingContext ctx) {
    Long timer = ctx.remove(BODY_TIMER);
    if (timer != null) {
      ctx.vertx().cancelTimer(timer);
    }
  }

  private static boolean takesBody(HttpMethod method) {
    return HttpMethod.PUT.equals(method) || HttpMethod.POST.equals(method);
  }

  /** application/json, with no charset or UTF-8 (the only encoding JSON may travel in, RFC 8259). */
  static boolean isJson(MIMEHeader contentType) {
    if (contentType == null || !"application".equalsIgnoreCase(contentType.component())
        || !"json".equalsIgnoreCase(contentType.subComponent())) {
      return false;
    }
    String charset = contentType.parameter("charset");
    return charset == null || charset.equalsIgnoreCase("utf-8") || charset.equalsIgnoreCase("\"utf-8\"");
  }

  private void answer(RoutingContext ctx, Future<Buffer> call) {
    call.onComplete(body -> responses.json(ctx, 200, body), failure -> responses.failure(ctx, failure));
  }

  private static byte[] bodyBytes(RoutingContext ctx) {
    RequestBody body = ctx.body();
    return body == null || body.buffer() == null ? new byte[0] : body.buffer().getBytes();
  }
}
