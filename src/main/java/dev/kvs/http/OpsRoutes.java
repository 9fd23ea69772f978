package dev.kvs.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * Liveness, readiness and Prometheus metrics (on the API port, or on a management port of their
 * own), and the OpenAPI document (always on the API port).
 */
final class OpsRoutes {
  private static final Buffer UP = Buffer.buffer("{\"status\":\"UP\"}");
  private static final Buffer DOWN = Buffer.buffer("{\"status\":\"DOWN\",\"reason\":\"database unreachable or not migrated\"}");
  private static final CharSequence PROMETHEUS_TEXT =
      HttpHeaders.createOptimized("text/plain; version=0.0.4; charset=utf-8");

  private static final CharSequence YAML = HttpHeaders.createOptimized("application/yaml; charset=utf-8");

  private final Supplier<Future<Void>> readiness;
  private final PrometheusMeterRegistry registry;
  private final Responses responses;

  OpsRoutes(Supplier<Future<Void>> readiness, PrometheusMeterRegistry registry, Responses responses) {
    this.readiness = readiness;
    this.registry = registry;
    this.responses = responses;
  }

  /** Mounts the health endpoints and the metrics. */
  void mountManagement(Router router) {
    router.get("/health/live").handler(ctx -> responses.json(ctx, 200, UP));
    router.get("/health/ready").handler(this::ready);
    router.get("/metrics").handler(this::metrics);
  }

  /** Mounts the OpenAPI document, read once at start. */
  static void mountOpenApi(Router router, Buffer openApi) {
    router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, YAML).end(openApi));
  }

  private void ready(RoutingContext ctx) {
    readiness.get().onComplete(
        ok -> responses.json(ctx, 200, UP),
        failure -> responses.json(ctx, 503, DOWN));
  }

  private void metrics(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT).end(registry.scrape());
  }
}
