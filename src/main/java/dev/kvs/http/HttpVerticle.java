package dev.kvs.http;

import dev.kvs.config.KvsConfig;
import dev.kvs.service.KvService;
import dev.kvs.service.WriteRequestParser;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The HTTP API. Deployed once per event loop; every instance shares the one service (and so the
 * one pool) of the process and holds no state of its own.
 */
public final class HttpVerticle extends VerticleBase {
  private final KvsConfig config;
  private final KvService service;
  private final Supplier<Future<Void>> readiness;
  private final PrometheusMeterRegistry registry;
  private HttpServer server;

  public HttpVerticle(KvsConfig config, KvService service, Supplier<Future<Void>> readiness,
      PrometheusMeterRegistry registry) {
    this.config = config;
    this.service = service;
    this.readiness = readiness;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    // Vert.x resolves the path on the classpath; read asynchronously, so no event loop waits on the jar.
    return vertx.fileSystem().readFile("openapi.yaml").compose(this::listen);
  }

  private Future<HttpServer> listen(Buffer openApi) {
    Responses responses = new Responses(config.retryAfterSeconds());
    Router router = Router.router(vertx);
    new OpsRoutes(readiness, registry, responses).mount(router, openApi);
    // Bodies are read only for writes, and refused with 413 as soon as they pass the limit
    // (at once when Content-Length says so), before they are buffered in full.
    // Single writes are PUTs; only the bulk calls POST, with up to 1,000 records.
    router.route().method(HttpMethod.PUT).handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
    router.route().method(HttpMethod.POST).handler(BodyHandler.create(false).setBodyLimit(config.maxBulkBodyBytes()));
    KvRoutes kv = new KvRoutes(service, new WriteRequestParser(config.limits()), responses);
    router.route().handler(kv::handle);
    for (int status : new int[] {400, 404, 405, 413, 500}) {
      router.errorHandler(status, ctx -> responses.routerError(ctx, status));
    }
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(config.httpHost())
        .setPort(config.httpPort())
        .setTcpNoDelay(true));
    return server.requestHandler(router).listen();
  }

  /** Stops accepting connections and lets in-flight requests finish, up to the grace period. */
  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(config.shutdownGraceMs(), TimeUnit.MILLISECONDS);
  }
}
