package dev.kvs.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;
import java.util.Set;

/** The Prometheus registry and the Vert.x instance that reports into it. */
public final class Metrics {
  /** Latency buckets for HTTP and SQL timers: fixed, so a series has a bounded number of them. */
  private static final double[] LATENCY_BUCKETS_NANOS = nanos(
      0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000);

  /** The methods of RFC 9110 and PATCH; every other method is labelled OTHER. */
  public static final Set<String> STANDARD_HTTP_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");
  /** Series per meter name at most: far above what the routes, methods and statuses make. */
  static final int MAX_SERIES_PER_NAME = 1_000;

  private Metrics() {}

  /** The label of an HTTP method: itself when HTTP defines it, else {@code OTHER}. */
  static String methodLabel(String method) {
    return STANDARD_HTTP_METHODS.contains(method) ? method : "OTHER";
  }

  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // A client chooses the method, and Vert.x labels requests with it: made-up ones share a series.
    registry.config().meterFilter(MeterFilter.replaceTagValues("method", Metrics::methodLabel));
    registry.config().meterFilter(new SeriesCap(MAX_SERIES_PER_NAME));
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (id.getType() == Meter.Type.TIMER && id.getName().startsWith("vertx.")) {
          return DistributionStatisticConfig.builder()
              .serviceLevelObjectives(LATENCY_BUCKETS_NANOS)
              .build()
              .merge(config);
        }
        return config;
      }
    });
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    return registry;
  }

  /**
   * A Vert.x instance whose HTTP server and SQL pool report to the registry. Requests are
   * labelled by route template, method and status, never by raw path: keys are in the path
   * ({@link HttpServerMeters}).
   */
  public static Vertx newVertx(PrometheusMeterRegistry registry, VertxOptions options) {
    return builder(registry, options).build();
  }

  /** A clustered Vert.x instance (clustered mode) that reports as {@link #newVertx} does. */
  public static Future<Vertx> newClusteredVertx(PrometheusMeterRegistry registry, VertxOptions options,
      ClusterManager clusterManager) {
    return builder(registry, options).withClusterManager(clusterManager).buildClustered();
  }

  private static VertxBuilder builder(PrometheusMeterRegistry registry, VertxOptions options) {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME,
            Label.CLIENT_NAME, Label.NAMESPACE));
    MicrometerMetricsFactory micrometer = new MicrometerMetricsFactory(registry);
    return Vertx.builder()
        .with(options.setMetricsOptions(metrics))
        .withMetrics(vertxOptions -> new LeanHttpServerMetrics(micrometer.metrics(vertxOptions), registry));
  }

  private static double[] nanos(double... millis) {
    double[] out = new double[millis.length];
    for (int i = 0; i < millis.length; i++) {
      out[i] = millis[i] * 1_000_000;
    }
    return out;
  }
}
