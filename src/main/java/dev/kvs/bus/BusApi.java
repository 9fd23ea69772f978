package dev.kvs.bus;

import dev.kvs.access.AccessControl;
import dev.kvs.access.Namespace;
import dev.kvs.access.Scope;
import dev.kvs.api.JsonBodies;
import dev.kvs.api.KvCalls;
import dev.kvs.config.HttpConfig;
import dev.kvs.logging.LogRateLimit;
import dev.kvs.service.KvsException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.DoubleStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event bus door to the same calls as HTTP ({@link KvCalls}): request/reply on the addresses
 * of {@link BusAddresses}, the token in the {@code authorization} header, the HTTP answer body as
 * the reply, and a failure as {@code fail(status, error JSON)}, so that a consumer sees exactly
 * what an HTTP client sees. One instance per event loop, like the HTTP verticles: the bus spreads
 * requests over them.
 */
public final class BusApi extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(BusApi.class);

  private final KvCalls calls;
  private final AccessControl access;
  private final HttpConfig.BodyLimits limits;
  private final BusMetrics metrics;
  private final LogRateLimit internalErrors = new LogRateLimit(10, TimeUnit.SECONDS);
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();

  public BusApi(KvCalls calls, AccessControl access, HttpConfig.BodyLimits limits, MeterRegistry registry) {
    this.calls = calls;
    this.access = access;
    this.limits = limits;
    this.metrics = new BusMetrics(registry);
  }

  /** One call: what the token needs, and the call from the admitted namespace and the body. */
  @FunctionalInterface
  private interface Call {
    Future<Buffer> apply(Namespace ns, JsonObject body);
  }

  @Override
  public Future<?> start() {
    serve(BusAddresses.GET, Scope.READ, (ns, body) -> calls.get(ns.name(), BusRequest.key(body)));
    serve(BusAddresses.WRITE, Scope.WRITE, (ns, body) ->
        calls.write(ns, BusRequest.key(body), withinLimit(BusRequest.withoutAddressing(body, true), limits.write())));
    serve(BusAddresses.CHECK_AND_WRITE, Scope.WRITE, (ns, body) -> {
      String key = BusRequest.key(body);
      if (!body.containsKey("operator") && !body.containsKey("unixtimeMs")) {
        throw KvsException.badRequest("invalid_operator", "checkAndWrite needs \"operator\" and \"unixtimeMs\"");
      }
      return calls.write(ns, key, withinLimit(BusRequest.withoutAddressing(body, true), limits.write()));
    });
    serve(BusAddresses.DELETE, Scope.WRITE, (ns, body) -> calls.delete(ns.name(), BusRequest.key(body)));
    serve(BusAddresses.LIST, Scope.READ, (ns, body) -> calls.list(ns.name(),
        BusRequest.parameter(body, "prefix", "invalid_prefix"),
        BusRequest.parameter(body, "limit", "invalid_limit"),
        BusRequest.parameter(body, "cursor", "invalid_cursor")));
    serve(BusAddresses.BULK_GET, Scope.READ, (ns, body) ->
        calls.bulkGet(ns.name(), withinLimit(BusRequest.withoutAddressing(body, false), limits.bulkGet())));
    serve(BusAddresses.BULK_WRITE, Scope.WRITE, (ns, body) ->
        calls.bulkWrite(ns, withinLimit(BusRequest.withoutAddressing(body, false), limits.bulkWrite())));
    serve(BusAddresses.BULK_DELETE, Scope.WRITE, (ns, body) ->
        calls.bulkDelete(ns.name(), withinLimit(BusRequest.withoutAddressing(body, false), limits.bulkDelete())));
    serve(BusAddresses.CHANGES_SINCE, Scope.READ, (ns, body) -> calls.changes(ns.name(),
        BusRequest.parameter(body, "cursor", "invalid_cursor"),
        BusRequest.parameter(body, "limit", "invalid_limit")));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    return Future.join(consumers.stream().map(MessageConsumer::unregister).toList());
  }

  private void serve(String address, Scope scope, Call call) {
    EventBus bus = vertx.eventBus();
    // Local consumers: in clustered mode each member registers its own, and the cluster spreads
    // requests over the members that serve the address.
    consumers.add(bus.consumer(address, message -> handle(address, scope, call, message)));
  }

  private void handle(String address, Scope scope, Call call, Message<Object> message) {
    long started = System.nanoTime();
    Future<Buffer> answer;
    try {
      JsonObject body = BusRequest.body(message.body());
      String ns = BusRequest.namespace(body);
      answer = access.forData(message.headers().get(BusAddresses.AUTHORIZATION), ns, scope)
          .compose(admitted -> call.apply(admitted, body));
    } catch (RuntimeException e) { // a KvsException from reading the body, or a bug
      answer = Future.failedFuture(e);
    }
    answer.onComplete(body -> {
      message.reply(new JsonObject(body));
      metrics.record(address, 200, started);
    }, failure -> {
      KvsException e = failure instanceof KvsException known ? known : internal(address, failure);
      message.fail(e.status(), JsonBodies.error(e, e.getMessage()).toString());
      metrics.record(address, e.status(), started);
    });
  }

  /** The body limit of the same call over HTTP: a message over it is refused as HTTP refuses the body. */
  private static byte[] withinLimit(byte[] body, int limit) {
    if (body.length > limit) {
      throw new KvsException(413, "too_large", "the request body is over the limit");
    }
    return body;
  }

  private KvsException internal(String address, Throwable failure) {
    String requestId = UUID.randomUUID().toString();
    String more = internalErrors.permit();
    if (more != null) {
      LOG.error("bus request {} on {} failed{}", requestId, address, more, failure);
    }
    return new KvsException(500, "internal", "internal error, request id " + requestId);
  }

  /** Requests per address and status, with their latency: the bus's counterpart of the HTTP route metrics. */
  private static final class BusMetrics {
    private final MeterRegistry registry;

    BusMetrics(MeterRegistry registry) {
      this.registry = registry;
    }

    void record(String address, int status, long startedNanos) {
      Timer.builder("kvs.bus.requests")
          .description("Event bus requests served, by address and status (the HTTP status a failure carries)")
          .tags("address", address, "status", Integer.toString(status))
          .serviceLevelObjectives(LATENCY)
          .register(registry)
          .record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    /** The HTTP timers' buckets, 0.25 ms to 10 s. */
    private static final Duration[] LATENCY = DoubleStream
        .of(0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000)
        .mapToObj(ms -> Duration.ofNanos((long) (ms * 1_000_000))).toArray(Duration[]::new);
  }
}
