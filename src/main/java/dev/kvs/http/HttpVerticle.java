package dev.kvs.http;

import dev.kvs.access.AccessControl;
import dev.kvs.admin.AdminService;
import dev.kvs.config.HttpConfig;
import dev.kvs.config.KvsConfig;
import dev.kvs.api.KvCalls;
import dev.kvs.bus.BusBridge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The HTTP API. Deployed once per event loop; every instance shares the one service (and so the
 * one pool) of the process and holds no state of its own beyond its connections.
 */
public final class HttpVerticle extends VerticleBase {
  /** The API port's connection meters: {@code kvs.http.connections.open} and {@code .closed}. */
  public static final String CONNECTION_METERS = "kvs.http.connections";

  private final KvsConfig config;
  private final KvCalls calls;
  private final AccessControl access;
  private final AdminService admin;
  private final Supplier<Future<Void>> readiness;
  private final PrometheusMeterRegistry registry;
  private final AtomicInteger openConnections;
  private HttpServer server;
  private ConnectionGuard connections;

  /**
   * @param readiness succeeds when the database answers (asked on the background pool)
   * @param openConnections the process's count of open HTTP connections, shared by all instances
   */
  public HttpVerticle(KvsConfig config, KvCalls calls, AccessControl access, AdminService admin,
      Supplier<Future<Void>> readiness, PrometheusMeterRegistry registry, AtomicInteger openConnections) {
    this.config = config;
    this.calls = calls;
    this.access = access;
    this.admin = admin;
    this.readiness = readiness;
    this.registry = registry;
    this.openConnections = openConnections;
  }

  @Override
  public Future<?> start() {
    // Vert.x resolves the path on the classpath; read asynchronously, so no event loop waits on the jar.
    return vertx.fileSystem().readFile("openapi.yaml").compose(this::listen);
  }

  private Future<HttpServer> listen(Buffer openApi) {
    HttpConfig http = config.http();
    Responses responses = new Responses(vertx, config.retryAfterSeconds());
    int instances = Math.max(1, http.instances());
    connections = new ConnectionGuard(vertx, CONNECTION_METERS, (http.maxConnections() + instances - 1) / instances,
        http.headTimeoutMs(), openConnections, registry);

    Router router = GuardedServer.router(vertx, responses);
    if (!http.corsOrigins().isEmpty()) {
      router.route().handler(CorsHandler.create()
          .addOrigins(http.corsOrigins())
          .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.PUT, HttpMethod.POST, HttpMethod.PATCH, HttpMethod.DELETE))
          .allowedHeaders(Set.of("Content-Type", "Authorization")));
    }
    // The key-value routes first: they read the raw path, where the router matches the normalised
    // one, so a key such as "../../health/live" is a key, never a way to another endpoint.
    new KvRoutes(calls, access, responses, http).mount(router.route());
    new AdminRoutes(admin, access, responses).mount(router);
    if (config.cluster().bridge()) {
      router.route(BusBridge.PATH + "/*").subRouter(new BusBridge(access).router(vertx));
    }
    if (!http.separateManagementPort()) {
      new OpsRoutes(readiness, registry, responses).mountManagement(router);
    }
    OpsRoutes.mountOpenApi(router, openApi);
    responses.answerErrorsOf(router);

    server = GuardedServer.create(vertx, http, http.port(), connections, responses, router);
    return server.listen();
  }

  /** Stops accepting connections and lets in-flight requests finish, up to the grace period. */
  @Override
  public Future<?> stop() {
    if (connections != null) {
      connections.stop();
    }
    return server == null ? Future.succeededFuture() : server.shutdown(config.shutdownGraceMs(), TimeUnit.MILLISECONDS);
  }
}
