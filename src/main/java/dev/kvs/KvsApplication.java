package dev.kvs;

import dev.kvs.access.AccessControl;
import dev.kvs.access.NamespaceDirectory;
import dev.kvs.admin.AdminService;
import dev.kvs.api.KvCalls;
import dev.kvs.bus.BusApi;
import dev.kvs.cache.CacheTier;
import dev.kvs.config.ClusterConfig;
import dev.kvs.config.DatabaseConfig;
import dev.kvs.config.KvsConfig;
import dev.kvs.feed.FeedPublisher;
import dev.kvs.http.HttpVerticle;
import dev.kvs.http.ManagementVerticle;
import dev.kvs.metrics.Metrics;
import dev.kvs.notify.NotificationListener;
import dev.kvs.purge.PurgeVerticle;
import dev.kvs.service.KvService;
import dev.kvs.store.BatchedReads;
import dev.kvs.store.BatchedWrites;
import dev.kvs.store.ChangeLogStore;
import dev.kvs.store.DatabaseProbe;
import dev.kvs.store.NamespaceStore;
import dev.kvs.store.PgStore;
import dev.kvs.store.PurgeStore;
import dev.kvs.store.RecordReader;
import dev.kvs.store.RecordWriter;
import dev.kvs.store.TokenStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running KVS: migrations applied, the request pool and the background pool, the service and
 * the access control in front of it, the HTTP verticles (one per event loop), the management port,
 * the read cache, the notification listener and the purge. {@link #start} is the whole
 * start sequence as one Future; {@link #stop} drains HTTP first and closes the pools last.
 */
public final class KvsApplication {
  private static final Logger LOG = LoggerFactory.getLogger(KvsApplication.class);

  private final Vertx vertx;
  private final List<Pool> pools;
  private final PurgeVerticle purge;
  private final CacheTier cacheTier;
  private final NotificationListener listener;
  private final FeedPublisher feed;
  /** The HTTP verticles first: stopping drains them before anything else goes; null entries were not deployed. */
  private final List<String> deployments;

  private KvsApplication(Vertx vertx, List<Pool> pools, PurgeVerticle purge, CacheTier cacheTier,
      NotificationListener listener, FeedPublisher feed, List<String> deployments) {
    this.feed = feed;
    this.vertx = vertx;
    this.pools = pools;
    this.purge = purge;
    this.cacheTier = cacheTier;
    this.listener = listener;
    this.deployments = deployments;
  }

  /**
   * Embedded mode: KVS in an application's own Vert.x, serving HTTP and the addresses of its event
   * bus; its meters go to a registry of its own, served on its /metrics.
   */
  public static Future<KvsApplication> start(Vertx vertx, KvsConfig config) {
    return start(vertx, config, Metrics.newRegistry());
  }

  public static Future<KvsApplication> start(Vertx vertx, KvsConfig config, PrometheusMeterRegistry registry) {
    return start(vertx, config, registry, UnaryOperator.identity());
  }

  /**
   * @param readDecorator wraps the database read path under the cache (tests count or slow the
   *     real reads with it)
   */
  public static Future<KvsApplication> start(Vertx vertx, KvsConfig config, PrometheusMeterRegistry registry,
      UnaryOperator<RecordReader> readDecorator) {
    // Flyway is JDBC, so blocking: it runs on a worker thread, and nothing serves before it is done.
    return vertx.executeBlocking(() -> Migrations.apply(config.database()))
        .compose(migrated -> {
          logMigrations(migrated);
          DatabaseConfig db = config.database();
          Pool pool = pool(vertx, db, db.poolOptions(), "kvs");
          Pool background = pool(vertx, db, db.backgroundPoolOptions(), "kvs-background");
          return wire(vertx, config, registry, readDecorator, pool, background).onFailure(failure -> {
            pool.close();
            background.close();
          });
        });
  }

  private static Future<KvsApplication> wire(Vertx vertx, KvsConfig config, PrometheusMeterRegistry registry,
      UnaryOperator<RecordReader> readDecorator, Pool pool, Pool background) {
    DatabaseConfig db = config.database();
    String origin = UUID.randomUUID().toString().substring(0, 8);
    PgStore store = new PgStore(pool);
    int maxInFlight = config.batch().inFlight(db.poolSize());
    RecordReader reads = config.batch().enabled()
        ? new BatchedReads(store, maxInFlight, config.batch().maxKeys(), registry)
        : store;
    CacheTier cacheTier = CacheTier.create(vertx, background, config, registry, readDecorator.apply(reads), origin);
    FeedPublisher feed = new FeedPublisher(db.connectOptions("kvs-feed"), feedCluster(vertx, config.cluster()),
        config.cluster().enabled(), config.feed(), registry);
    RecordWriter writes = config.batch().enabled()
        ? new BatchedWrites(store, maxInFlight, config.batch().maxKeys(), registry)
        : store;
    KvService service = new KvService(store, cacheTier.reads(), writes, cacheTier.changes().alsoRunning(feed::nudge),
        new ChangeLogStore(pool));

    NamespaceStore namespaces = new NamespaceStore(pool, config.purge().batchSize());
    TokenStore tokens = new TokenStore(pool);
    NamespaceDirectory directory = new NamespaceDirectory(namespaces, config.limits(),
        config.auth().defaultRequestsPerSecond(), config.auth().cacheTtlMs());
    AccessControl access = new AccessControl(config.auth(), tokens, directory, pool, cacheTier::forgetNamespace);
    AdminService admin = new AdminService(namespaces, tokens, access, config.http().bodyLimits().write());
    KvCalls calls = new KvCalls(service, access);
    List<NotificationListener.Subscriber> subscribers = new ArrayList<>();
    subscribers.add(access.subscriber());
    subscribers.add(feed.subscriber());
    if (cacheTier.subscriber() != null) {
      subscribers.add(cacheTier.subscriber());
    }
    NotificationListener listener =
        new NotificationListener(vertx, db.connectOptions("kvs-listen"), origin, subscribers, registry);

    // A write may be in flight as long as any statement runs: the purge leaves rows created more
    // recently than that, so that a key's created_at can never repeat (see SqlStatements.DELETE),
    // and finishes a namespace's deletion only when no write begun before it can still land.
    long purgeGraceMs = db.statementTimeoutMs() + 1_000L;
    PurgeVerticle purge = new PurgeVerticle(new PurgeStore(background, config.purge().batchSize(), purgeGraceMs),
        new NamespaceStore(background, config.purge().batchSize()), purgeGraceMs, config.purge(),
        config.feed().retentionMinutes(), registry);
    DatabaseProbe probe = new DatabaseProbe(vertx, background, db.connectTimeoutMs());
    AtomicInteger openConnections = new AtomicInteger();
    Gauge.builder(HttpVerticle.CONNECTION_METERS + ".open", openConnections, AtomicInteger::get)
        .description("HTTP connections open now").register(registry);

    return StartChecks.adminAccess(config.auth(), tokens).compose(checked -> {
      Future<String> management = config.http().separateManagementPort()
          ? vertx.deployVerticle(new ManagementVerticle(config, probe::ping, registry))
          : Future.succeededFuture();
      Future<String> http = management.compose(m -> vertx.deployVerticle(
          () -> new HttpVerticle(config, calls, access, admin, probe::ping, registry, openConnections),
          new DeploymentOptions().setInstances(config.http().instances())));
      Future<String> bus = http.compose(id -> vertx.deployVerticle(
          () -> new BusApi(calls, access, config.http().bodyLimits(), registry),
          new DeploymentOptions().setInstances(config.http().instances())));
      Future<String> feeding = bus.compose(id -> vertx.deployVerticle(feed));
      Future<String> purging = config.purge().enabled()
          ? http.compose(id -> vertx.deployVerticle(purge))
          : http.map((String) null);
      return Future.all(List.of(http, bus, feeding, purging, listener.start()))
          .map(all -> new KvsApplication(vertx, List.of(pool, background), purge, cacheTier, listener, feed,
              Arrays.asList(http.result(), bus.result(), management.result(), purging.result(), feeding.result())));
    });
  }

  /**
   * Which change feed publishers exclude each other: the whole cluster's in clustered mode; in
   * standalone mode, those of one Vert.x instance (its local bus), however many KVS it runs.
   */
  private static String feedCluster(Vertx vertx, ClusterConfig cluster) {
    if (cluster.enabled()) {
      return "cluster:" + cluster.name();
    }
    String id = "process:" + UUID.randomUUID();
    Object shared = vertx.sharedData().getLocalMap("kvs").putIfAbsent("feed.cluster", id);
    return shared == null ? id : shared.toString();
  }

  /** A pool whose connections carry {@code name} (pg_stat_activity's application_name, the metrics' labels). */
  private static Pool pool(Vertx vertx, DatabaseConfig db, PoolOptions options, String name) {
    return PgBuilder.pool()
        .with(options)
        .with(db.transportOptions(name))
        .connectingTo(db.connectOptions(name))
        .using(vertx)
        .build();
  }

  private static void logMigrations(MigrateResult migrated) {
    LOG.info("database schema at version {} ({} migrations applied now)",
        migrated.targetSchemaVersion == null ? migrated.initialSchemaVersion : migrated.targetSchemaVersion,
        migrated.migrationsExecuted);
  }

  /** The purge, for an operator (or a test) that wants a run now rather than at the next tick. */
  public PurgeVerticle purge() {
    return purge;
  }

  /** The read cache and its change notifications (null parts when the cache is off). */
  public CacheTier cacheTier() {
    return cacheTier;
  }

  /** The connection that hears other replicas' notices (changed keys, revoked tokens, changed namespaces). */
  public NotificationListener listener() {
    return listener;
  }

  /** The change feed's publisher in this process (whether it publishes depends on its cluster's lead). */
  public FeedPublisher feed() {
    return feed;
  }

  /** Stops accepting, finishes in-flight requests, stops the purge, then closes the pools. */
  public Future<Void> stop() {
    Future<Void> http = vertx.undeploy(deployments.get(0));
    Future<Void> rest = http.eventually(() -> Future.join(deployments.stream().skip(1).filter(Objects::nonNull)
        .map(vertx::undeploy).toList()));
    return rest
        .eventually(cacheTier::stop)
        .eventually(listener::stop)
        .eventually(() -> Future.join(pools.stream().map(Pool::close).toList()))
        .mapEmpty();
  }
}
