package dev.kvs.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The HTTP servers' meters, under the names and labels vertx-micrometer gives them
 * ({@code vertx_http_server_requests_total}, {@code _response_time_seconds}, {@code _active_requests},
 * {@code _request_bytes}, {@code _response_bytes}, {@code _request_resets_total},
 * {@code _active_connections}, {@code _bytes_read_total}, {@code _bytes_written_total}), so
 * dashboards read them as before, at a fraction of the cost: vertx-micrometer builds tags and looks
 * up six meters in the registry on every request (an eighth of a cache hit's CPU time, measured
 * with JFR), where this class resolves a route, method and status to its meters once and keeps them.
 * One instance serves every HTTP server of the process, as their series are shared.
 * Routes are the templates the routers report (a key never becomes a label); methods are labelled
 * by {@link Metrics#methodLabel}.
 */
final class HttpServerMeters implements HttpServerMetrics<HttpServerMeters.Exchange, Void, Void> {
  private static final String PREFIX = "vertx.http.server.";

  private final MeterRegistry registry;
  private final Map<String, Method> methods = new ConcurrentHashMap<>();
  private final Map<Outcome, Answered> answered = new ConcurrentHashMap<>();
  private final LongAdder connections = new LongAdder();
  private final Counter bytesRead;
  private final Counter bytesWritten;

  HttpServerMeters(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder(PREFIX + "active.connections", connections, LongAdder::doubleValue)
        .description("Number of opened connections to the server").strongReference(true).register(registry);
    bytesRead = Counter.builder(PREFIX + "bytes.read").description("Number of bytes received by the server")
        .register(registry);
    bytesWritten = Counter.builder(PREFIX + "bytes.written").description("Number of bytes sent by the server")
        .register(registry);
  }

  /** The meters of one method label. */
  private record Method(String label, LongAdder active, Counter resets, DistributionSummary requestBytes) {}

  /** What a response is counted under. */
  private record Outcome(String route, String method, int status) {}

  /** The meters of one outcome. */
  private record Answered(Counter requests, Timer responseTime, DistributionSummary responseBytes) {}

  /**
   * One request and its response, from the request's first byte to the response's last. It is
   * active until both have ended or it is reset, whichever comes first.
   */
  static final class Exchange {
    private final Method method;
    private final long startNanos = System.nanoTime();
    private String route; // the routes it passed, joined by '>' as vertx-micrometer joins them
    private boolean requestEnded;
    private boolean responseEnded;
    private boolean active = true;

    private Exchange(Method method) {
      this.method = method;
      method.active().increment();
    }

    private void endIfBothEnded() {
      if (requestEnded && responseEnded) {
        end();
      }
    }

    private void end() {
      if (active) {
        active = false;
        method.active().decrement();
      }
    }
  }

  @Override
  public Void connected(SocketAddress remoteAddress, String remoteName) {
    connections.increment();
    return null;
  }

  @Override
  public void disconnected(Void socket, SocketAddress remoteAddress) {
    connections.decrement();
  }

  @Override
  public void bytesRead(Void socket, SocketAddress remoteAddress, long numberOfBytes) {
    bytesRead.increment(numberOfBytes);
  }

  @Override
  public void bytesWritten(Void socket, SocketAddress remoteAddress, long numberOfBytes) {
    bytesWritten.increment(numberOfBytes);
  }

  @Override
  public Exchange requestBegin(Void socket, HttpRequest request) {
    return new Exchange(method(request.method().name()));
  }

  @Override
  public void requestRouted(Exchange exchange, String route) {
    if (route != null) {
      exchange.route = exchange.route == null ? route : exchange.route + '>' + route;
    }
  }

  @Override
  public void requestEnd(Exchange exchange, HttpRequest request, long bytesRead) {
    exchange.method.requestBytes().record(bytesRead);
    exchange.requestEnded = true;
    exchange.endIfBothEnded();
  }

  @Override
  public void requestReset(Exchange exchange) {
    exchange.end();
    exchange.method.resets().increment();
  }

  @Override
  public void responseEnd(Exchange exchange, HttpResponse response, long bytesWritten) {
    Outcome outcome = new Outcome(exchange.route == null ? "" : exchange.route, exchange.method.label(),
        response.statusCode());
    Answered known = answered.get(outcome); // a plain read: computeIfAbsent may lock the bin
    Answered meters = known != null ? known : answered.computeIfAbsent(outcome, this::register);
    meters.requests().increment();
    meters.responseTime().record(System.nanoTime() - exchange.startNanos, TimeUnit.NANOSECONDS);
    meters.responseBytes().record(bytesWritten);
    exchange.responseEnded = true;
    exchange.endIfBothEnded();
  }

  private Method method(String name) {
    // Keyed by label, not by name: made-up methods all share the OTHER entry, so the map stays small.
    String label = Metrics.methodLabel(name);
    Method method = methods.get(label);
    return method != null ? method : methods.computeIfAbsent(label, this::registerMethod);
  }

  private Method registerMethod(String label) {
    LongAdder active = new LongAdder();
    Gauge.builder(PREFIX + "active.requests", active, LongAdder::doubleValue)
        .description("Number of requests being processed").tag("method", label).strongReference(true)
        .register(registry);
    Counter resets = Counter.builder(PREFIX + "request.resets").description("Number of request resets")
        .tag("method", label).register(registry);
    DistributionSummary requestBytes = DistributionSummary.builder(PREFIX + "request.bytes")
        .description("Size of requests in bytes").tag("method", label).register(registry);
    return new Method(label, active, resets, requestBytes);
  }

  private Answered register(Outcome outcome) {
    String code = Integer.toString(outcome.status());
    return new Answered(
        Counter.builder(PREFIX + "requests").description("Number of processed requests")
            .tag("route", outcome.route()).tag("method", outcome.method()).tag("code", code).register(registry),
        Timer.builder(PREFIX + "response.time").description("Request processing time")
            .tag("route", outcome.route()).tag("method", outcome.method()).tag("code", code).register(registry),
        DistributionSummary.builder(PREFIX + "response.bytes").description("Size of responses in bytes")
            .tag("route", outcome.route()).tag("method", outcome.method()).tag("code", code).register(registry));
  }
}
