package dev.kvs.http;

import dev.kvs.config.HttpConfig;
import dev.kvs.config.KvsConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The management port ({@code KVS_MANAGEMENT_PORT}): health and metrics, away from the API port,
 * so a Service that exposes only the API keeps them (and what metrics reveal) off the network it
 * serves. Probes and scrapes are few: one instance. It stands behind the API port's defences
 * ({@link GuardedServer}: the same limits, head deadline and request guard), with a connection
 * cap and connection meters of its own.
 */
public final class ManagementVerticle extends VerticleBase {
  /** This port's connection meters: {@code kvs.management.connections.open} and {@code .closed}. */
  public static final String CONNECTION_METERS = "kvs.management.connections";

  /**
   * The most connections open on this port ({@code KVS_HTTP_MAX_CONNECTIONS} if lower). An idle
   * one makes room for a new one, as on the API port, so this refuses only when this many requests
   * are in flight at once: far beyond what probes and scrapes need.
   */
  public static final int MAX_CONNECTIONS = 100;

  private final KvsConfig config;
  private final Supplier<Future<Void>> readiness;
  private final PrometheusMeterRegistry registry;
  private HttpServer server;
  private ConnectionGuard connections;
  private Gauge openGauge;

  public ManagementVerticle(KvsConfig config, Supplier<Future<Void>> readiness, PrometheusMeterRegistry registry) {
    this.config = config;
    this.readiness = readiness;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    HttpConfig http = config.http();
    Responses responses = new Responses(vertx, config.retryAfterSeconds());
    AtomicInteger open = new AtomicInteger();
    openGauge = Gauge.builder(CONNECTION_METERS + ".open", open, AtomicInteger::get)
        .description("Connections open now on the management port").register(registry);
    connections = new ConnectionGuard(vertx, CONNECTION_METERS, Math.min(http.maxConnections(), MAX_CONNECTIONS),
        http.headTimeoutMs(), open, registry);
    Router router = GuardedServer.router(vertx, responses);
    new OpsRoutes(readiness, registry, responses).mountManagement(router);
    responses.answerErrorsOf(router);
    server = GuardedServer.create(vertx, http, http.managementPort(), connections, responses,
        router);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    if (connections != null) {
      connections.stop();
    }
    if (openGauge != null) {
      registry.remove(openGauge);
    }
    return server == null ? Future.succeededFuture() : server.close();
  }
}
