package dev.kvs;

import dev.kvs.cache.CacheTier;
import dev.kvs.config.DatabaseConfig;
import dev.kvs.config.KvsConfig;
import dev.kvs.http.HttpVerticle;
import dev.kvs.purge.PurgeVerticle;
import dev.kvs.service.KvService;
import dev.kvs.store.DatabaseProbe;
import dev.kvs.store.PgStore;
import dev.kvs.store.PurgeStore;
import dev.kvs.store.RecordReader;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running KVS: migrations applied, the request pool and the background pool, the service, the
 * HTTP verticles (one per event loop), the read cache and the purge. {@link #start} is the whole
 * start sequence as one Future; {@link #stop} drains HTTP first and closes the pools last.
 */
public final class KvsApplication {
  private static final Logger LOG = LoggerFactory.getLogger(KvsApplication.class);

  private final Vertx vertx;
  private final List<Pool> pools;
  private final PurgeVerticle purge;
  private final CacheTier cacheTier;
  private final String httpDeployment;
  private final String purgeDeployment;

  private KvsApplication(Vertx vertx, List<Pool> pools, PurgeVerticle purge, CacheTier cacheTier, String httpDeployment,
      String purgeDeployment) {
    this.vertx = vertx;
    this.pools = pools;
    this.purge = purge;
    this.cacheTier = cacheTier;
    this.httpDeployment = httpDeployment;
    this.purgeDeployment = purgeDeployment;
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
          PgStore store = new PgStore(pool);
          CacheTier cacheTier = CacheTier.create(vertx, background, config, registry, readDecorator.apply(store));
          KvService service = new KvService(store, cacheTier.reads(), cacheTier.changes());
          // A write may be in flight as long as any statement runs: the purge leaves rows created more
          // recently than that, so that a key's created_at can never repeat (see SqlStatements.DELETE).
          long purgeGraceMs = db.statementTimeoutMs() + 1_000L;
          PurgeVerticle purge = new PurgeVerticle(
              new PurgeStore(background, config.purge().batchSize(), purgeGraceMs), config.purge(), registry);
          DatabaseProbe probe = new DatabaseProbe(vertx, background, db.connectTimeoutMs());
          AtomicInteger openConnections = new AtomicInteger();
          Gauge.builder("kvs.http.connections.open", openConnections, AtomicInteger::get)
              .description("HTTP connections open now").register(registry);
          Future<String> http = vertx.deployVerticle(
              () -> new HttpVerticle(config, service, probe::ping, registry, openConnections),
              new DeploymentOptions().setInstances(config.http().instances()));
          Future<String> purging = config.purge().enabled()
              ? http.compose(id -> vertx.deployVerticle(purge))
              : http.map((String) null);
          return Future.all(http, purging, cacheTier.start())
              .map(all -> new KvsApplication(vertx, List.of(pool, background), purge, cacheTier, http.result(),
                  purging.result()))
              .onFailure(failure -> {
                pool.close();
                background.close();
              });
        });
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

  /** Stops accepting, finishes in-flight requests, stops the purge, then closes the pools. */
  public Future<Void> stop() {
    Future<Void> http = vertx.undeploy(httpDeployment);
    Future<Void> purging = purgeDeployment == null ? Future.succeededFuture() : vertx.undeploy(purgeDeployment);
    return Future.join(http, purging)
        .eventually(cacheTier::stop)
        .eventually(() -> Future.join(pools.stream().map(Pool::close).toList()))
        .mapEmpty();
  }
}
