package dev.kvs.feed;

import dev.kvs.cache.ChangeMessages;
import dev.kvs.config.FeedConfig;
import dev.kvs.logging.LogRateLimit;
import dev.kvs.notify.NotificationListener;
import dev.kvs.store.ChangeCursor;
import dev.kvs.store.ChangeLogStore;
import dev.kvs.store.LoggedChange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the change log on the event bus, {@code kvs.changes.{ns}}, once per change per cluster.
 *
 * <p>Every KVS process runs one, but only the holder of a PostgreSQL advisory lock named after
 * its cluster publishes: in clustered mode one member of the whole cluster, in standalone mode
 * each process (its own bus is its cluster). The lock is held by a connection of its own, so a
 * publisher that dies, even by SIGKILL, releases it when its connection drops, and another member
 * takes over within {@link #RETRY_MS}. A clustered publisher stores how far it got after every
 * batch (kv_feed_position), and its successor goes on from there: at worst the last batch is
 * published twice (consumers can drop repeats by cursor). A standalone publisher starts at the
 * log's present.
 *
 * <p>It reads the log after a write of this process (a nudge), after another replica's change
 * notification, and otherwise every poll interval: some milliseconds from commit to message.
 */
public final class FeedPublisher extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(FeedPublisher.class);
  /** Between attempts to connect or to take the lead. */
  static final long RETRY_MS = 1_000;
  /** While changes keep coming, the next read follows this soon even without a nudge. */
  private static final long BUSY_POLL_MS = 5;
  private static final int PAGE = 1_000;

  private static final String TRY_LEAD = "SELECT pg_try_advisory_lock(1802921843, hashtext($1))";
  private static final String LOAD_POSITION = "SELECT txid::text, seq FROM kv_feed_position WHERE cluster = $1";
  private static final String SAVE_POSITION = """
      INSERT INTO kv_feed_position (cluster, txid, seq) VALUES ($1, $2::text::xid8, $3)
      ON CONFLICT (cluster) DO UPDATE SET txid = EXCLUDED.txid, seq = EXCLUDED.seq, updated_at = now()
      """;

  private final PgConnectOptions options;
  private final String cluster;
  private final boolean remembersPosition;
  private final FeedConfig config;
  private final Counter published;
  private final Counter takeovers;
  private final DistributionSummary delay;
  private final AtomicInteger leading = new AtomicInteger();
  private final LogRateLimit failureLog = new LogRateLimit(30, TimeUnit.SECONDS);

  private PgConnection connection;
  private ChangeLogStore log;
  private ChangeCursor cursor;
  private boolean stopped;
  private boolean reading;
  private boolean nudged;
  private long pollTimer = -1;

  /**
   * @param cluster names the publishers that exclude each other: the cluster's name in clustered
   *     mode, an id of this process's Vert.x instance in standalone mode
   * @param remembersPosition whether to store how far it got, for the member that takes over
   */
  public FeedPublisher(PgConnectOptions options, String cluster, boolean remembersPosition, FeedConfig config,
      MeterRegistry registry) {
    this.options = new PgConnectOptions(options);
    this.options.addProperty("application_name", "kvs-feed");
    this.cluster = cluster;
    this.remembersPosition = remembersPosition;
    this.config = config;
    this.published = Counter.builder("kvs.changes.published")
        .description("Change messages this process published on kvs.changes.{ns}").register(registry);
    this.takeovers = Counter.builder("kvs.changes.publisher.takeovers")
        .description("Times this process became its cluster's change publisher").register(registry);
    this.delay = DistributionSummary.builder("kvs.changes.publish.delay")
        .description("From a change's commit (its created_at or expired_at) to its publication, milliseconds")
        .baseUnit("milliseconds").serviceLevelObjectives(1, 2, 5, 10, 25, 50, 100, 250, 1000).register(registry);
    Gauge.builder("kvs.changes.publisher", leading, AtomicInteger::get)
        .description("1 while this process publishes its cluster's change feed").register(registry);
  }

  @Override
  public Future<?> start() {
    connect();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(pollTimer);
    PgConnection current = connection;
    return current == null ? Future.succeededFuture() : current.close().otherwiseEmpty();
  }

  /** A change committed here or elsewhere: read the log soon. Callable from any thread. */
  public void nudge() {
    if (context != null) {
      context.runOnContext(v -> nudged());
    }
  }

  /** Other replicas' change notifications: a change committed elsewhere, read the log now. */
  public NotificationListener.Subscriber subscriber() {
    return NotificationListener.Subscriber.of(ChangeMessages.CHANNEL, payload -> nudge(), this::nudge);
  }

  /** Whether this process publishes its cluster's feed now. */
  public boolean leading() {
    return leading.get() == 1;
  }

  private void nudged() {
    if (cursor == null || stopped) {
      return; // not leading
    }
    if (reading) {
      nudged = true; // read again as soon as this read is done
    } else if (vertx.cancelTimer(pollTimer) || pollTimer == -1) {
      pollTimer = vertx.setTimer(1, id -> read());
    }
  }

  private void connect() {
    if (stopped) {
      return;
    }
    PgConnection.connect(vertx, options).onComplete(conn -> {
      connection = conn;
      log = new ChangeLogStore(conn);
      conn.closeHandler(v -> lost());
      tryLead();
    }, failure -> {
      complain("cannot connect", failure);
      vertx.setTimer(RETRY_MS, id -> connect());
    });
  }

  private void tryLead() {
    PgConnection conn = connection;
    if (stopped || conn == null) {
      return;
    }
    conn.preparedQuery(TRY_LEAD).execute(Tuple.of(cluster))
        .compose(rows -> {
          if (!rows.iterator().next().getBoolean(0)) {
            vertx.setTimer(RETRY_MS, id -> tryLead()); // another process publishes
            return Future.succeededFuture();
          }
          return startPosition().onSuccess(start -> {
            LOG.info("publishing the change feed of cluster {} from cursor {}", cluster, start.encode());
            cursor = start;
            leading.set(1);
            takeovers.increment();
            read();
          }).mapEmpty();
        })
        .onFailure(failure -> {
          complain("cannot take the lead", failure);
          conn.close(); // the close handler reconnects
        });
  }

  private Future<ChangeCursor> startPosition() {
    if (!remembersPosition) {
      return log.horizon();
    }
    return connection.preparedQuery(LOAD_POSITION).execute(Tuple.of(cluster)).compose(rows -> {
      RowIterator<Row> it = rows.iterator();
      if (!it.hasNext()) {
        return log.horizon();
      }
      Row row = it.next();
      return Future.succeededFuture(new ChangeCursor(Long.parseLong(row.getString(0)), row.getLong(1)));
    });
  }

  private void read() {
    pollTimer = -1;
    if (stopped || cursor == null || reading) {
      return;
    }
    reading = true;
    nudged = false;
    log.after(cursor, PAGE)
        .compose(changes -> {
          publish(changes);
          if (changes.isEmpty() || !remembersPosition) {
            return Future.succeededFuture(changes.size());
          }
          return connection.preparedQuery(SAVE_POSITION)
              .execute(Tuple.of(cluster, Long.toString(cursor.txid()), cursor.seq()))
              .map(changes.size());
        })
        .onComplete(count -> {
          reading = false;
          long next = count == PAGE || nudged ? 1 : count > 0 ? BUSY_POLL_MS : config.pollIntervalMs();
          pollTimer = vertx.setTimer(next, id -> read());
        }, failure -> {
          reading = false;
          complain("cannot read the change log", failure);
          PgConnection conn = connection;
          if (conn != null) {
            conn.close(); // gives up the lead; the close handler reconnects
          }
        });
  }

  private void publish(List<LoggedChange> changes) {
    EventBus bus = vertx.eventBus();
    long now = System.currentTimeMillis();
    for (LoggedChange change : changes) {
      bus.publish(FeedMessages.ADDRESS_PREFIX + change.ns(), FeedMessages.json(change));
      cursor = change.cursor();
      long committed = change.op().equals("write") ? change.createdAtMs() : change.op().equals("delete")
          ? change.expiredAtMs() : now;
      delay.record(Math.max(0, now - committed));
    }
    published.increment(changes.size());
  }

  private void lost() {
    connection = null;
    cursor = null;
    if (leading.getAndSet(0) == 1 && !stopped) {
      LOG.warn("no longer publishing the change feed of cluster {}: its database connection closed", cluster);
    }
    reading = false;
    if (pollTimer != -1) {
      vertx.cancelTimer(pollTimer);
      pollTimer = -1;
    }
    if (!stopped) {
      vertx.setTimer(RETRY_MS, id -> connect());
    }
  }

  private void complain(String what, Throwable failure) {
    if (stopped) {
      return;
    }
    String more = failureLog.permit();
    if (more != null) {
      LOG.warn("change feed of cluster {}: {}: {}{}", cluster, what, failure.toString(), more);
    }
  }
}
