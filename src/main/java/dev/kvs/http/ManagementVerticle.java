package dev.kvs.http;

import dev.kvs.config.KvsConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The management port ({@code KVS_MANAGEMENT_PORT}): health and metrics, away from the API port,
 * so a Service that exposes only the API keeps them (and what metrics reveal) off the network it
 * serves. Probes and scrapes are few: one instance, with the API server's header limits.
 */
public final class ManagementVerticle extends VerticleBase {
  private final KvsConfig config;
  private final Supplier<Future<Void>> readiness;
  private final PrometheusMeterRegistry registry;
  private HttpServer server;

  public ManagementVerticle(KvsConfig config, Supplier<Future<Void>> readiness, PrometheusMeterRegistry registry) {
    this.config = config;
    this.readiness = readiness;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    Responses responses = new Responses(vertx, config.retryAfterSeconds());
    Router router = Router.router(vertx);
    new OpsRoutes(readiness, registry, responses).mountManagement(router);
    responses.answerErrorsOf(router);
    server = vertx.createHttpServer(new HttpServerOptions()
            .setHost(config.http().host())
            .setPort(config.http().managementPort())
            .setMaxHeaderSize(config.http().maxHeaderBytes())
            .setIdleTimeout((int) config.http().idleTimeoutMs())
            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS))
        .invalidRequestHandler(responses::invalidRequest)
        .requestHandler(router);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
