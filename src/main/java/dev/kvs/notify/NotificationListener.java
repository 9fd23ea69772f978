package dev.kvs.notify;

import dev.kvs.logging.LogRateLimit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgNotification;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs for what other replicas announce (changed keys, revoked tokens, changed namespaces) and
 * hands each message to its channel's subscriber. Runs on a connection of its own, outside the
 * pool, and reconnects with backoff when it is lost. Whenever the connection is lost or
 * re-established every subscriber is reset (its cache cleared): notifications may have been missed
 * in between, and a cleared cache cannot serve a stale entry.
 *
 * <p>A connection that only listens sends nothing, so a peer that vanished without closing it (a
 * half-open TCP connection) would never be noticed: a heartbeat query every second that goes
 * unanswered for two closes it, which takes the lost-connection path above.
 */
public final class NotificationListener {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationListener.class);

  /** A channel and what to do with its messages; {@code reset} is called when messages may have been missed. */
  public interface Subscriber {
    String channel();

    void message(String payload);

    void reset();

    /** A subscriber from its parts. */
    static Subscriber of(String channel, java.util.function.Consumer<String> message, Runnable reset) {
      return new Subscriber() {
        @Override
        public String channel() {
          return channel;
        }

        @Override
        public void message(String payload) {
          message.accept(payload);
        }

        @Override
        public void reset() {
          reset.run();
        }
      };
    }
  }

  private static final long MAX_BACKOFF_MS = 5_000;
  private static final long HEARTBEAT_INTERVAL_MS = 1_000;
  private static final long HEARTBEAT_TIMEOUT_MS = 2_000;

  private final Vertx vertx;
  private final PgConnectOptions options;
  private final List<Subscriber> subscribers;
  private final Counter reconnects;
  private final AtomicInteger listening = new AtomicInteger();
  private final LogRateLimit connectFailureLog = new LogRateLimit(30, TimeUnit.SECONDS);
  private volatile PgConnection connection;
  private volatile boolean stopped;
  private volatile boolean heartbeatPending;
  private long heartbeatTimer = -1;
  private boolean everListened;
  private int failedAttempts;

  public NotificationListener(Vertx vertx, PgConnectOptions options, String origin, List<Subscriber> subscribers,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.options = new PgConnectOptions(options);
    this.options.addProperty("application_name", "kvs-listen-" + origin);
    this.subscribers = List.copyOf(subscribers);
    this.reconnects = Counter.builder("kvs.cache.listen.reconnects")
        .description("Times the change-notification connection was re-established").register(registry);
    Gauge.builder("kvs.cache.listening", listening, AtomicInteger::get)
        .description("1 while this process receives other replicas' change notifications").register(registry);
  }

  /** Connects and listens; a failure here is retried in the background and does not fail the start. */
  public Future<Void> start() {
    heartbeatTimer = vertx.setPeriodic(HEARTBEAT_INTERVAL_MS, id -> heartbeat());
    return listen().otherwiseEmpty();
  }

  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(heartbeatTimer);
    PgConnection current = connection;
    return current == null ? Future.succeededFuture() : current.close();
  }

  /** The database backend serving the LISTEN (operators and tests can see or end it), or -1. */
  public int backendPid() {
    PgConnection current = connection;
    return current == null ? -1 : current.processId();
  }

  private Future<Void> listen() {
    return PgConnection.connect(vertx, options)
        .compose(conn -> {
          connection = conn;
          conn.notificationHandler(this::dispatch);
          conn.closeHandler(v -> lost());
          String listen = subscribers.stream().map(s -> "LISTEN " + s.channel()).collect(Collectors.joining("; "));
          return conn.query(listen).execute();
        })
        .<Void>mapEmpty()
        .onSuccess(v -> {
          resetAll();
          listening.set(1);
          failedAttempts = 0;
          if (everListened) {
            reconnects.increment();
            LOG.info("change notifications: listening again, caches cleared");
          }
          everListened = true;
        })
        .onFailure(failure -> {
          String more = connectFailureLog.permit();
          if (more != null) {
            LOG.warn("change notifications: cannot listen ({}), retrying; the cache serves entries for at most"
                + " their TTL meanwhile{}", failure.toString(), more);
          }
          PgConnection half = connection;
          if (half != null) {
            half.close(); // its close handler schedules the retry
          } else {
            retryLater();
          }
        });
  }

  private void dispatch(PgNotification notification) {
    for (Subscriber subscriber : subscribers) {
      if (subscriber.channel().equals(notification.getChannel())) {
        subscriber.message(notification.getPayload());
      }
    }
  }

  private void resetAll() {
    subscribers.forEach(Subscriber::reset);
  }

  private void heartbeat() {
    PgConnection current = connection;
    if (current == null || stopped || heartbeatPending) {
      return;
    }
    heartbeatPending = true;
    long deadline = vertx.setTimer(HEARTBEAT_TIMEOUT_MS, id -> {
      LOG.warn("change notifications: no answer from the database in {} ms, reconnecting", HEARTBEAT_TIMEOUT_MS);
      current.close();
    });
    current.query("SELECT 1").execute().onComplete(done -> {
      vertx.cancelTimer(deadline);
      heartbeatPending = false;
    });
  }

  private void lost() {
    heartbeatPending = false;
    connection = null;
    listening.set(0);
    resetAll();
    if (!stopped) {
      LOG.warn("change notifications: connection lost, caches cleared, reconnecting");
      retryLater();
    }
  }

  private void retryLater() {
    if (stopped) {
      return;
    }
    long delay = Math.min(MAX_BACKOFF_MS, 100L << Math.min(failedAttempts++, 6));
    vertx.setTimer(delay, id -> listen());
  }
}
