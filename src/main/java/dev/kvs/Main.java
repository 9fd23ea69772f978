package dev.kvs;

import dev.kvs.cluster.HazelcastCluster;
import dev.kvs.config.KvsConfig;
import dev.kvs.metrics.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts KVS from the environment; SIGTERM drains it. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  /**
   * pgjdbc logs a host name its certificate does not list (java.util.logging, SEVERE) before it
   * fails with it: silenced, so that the failure is told once, by {@link #explainStartFailure}.
   * Held here because java.util.logging keeps its loggers, and their levels, only weakly.
   */
  private static final java.util.logging.Logger PGJDBC_HOST_CHECK =
      java.util.logging.Logger.getLogger("org.postgresql.ssl.PGjdbcHostnameVerifier");

  private Main() {}

  public static void main(String[] args) {
    PGJDBC_HOST_CHECK.setLevel(java.util.logging.Level.OFF);
    KvsConfig config;
    try {
      config = KvsConfig.fromEnv();
    } catch (IllegalArgumentException e) {
      System.err.println("kvs: bad configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    PrometheusMeterRegistry registry = Metrics.newRegistry();
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true);
    Vertx vertx;
    try {
      vertx = config.cluster().enabled()
          ? Metrics.newClusteredVertx(registry, HazelcastCluster.withEventBus(options, config.cluster()),
              HazelcastCluster.clusterManager(config.cluster())).await()
          : Metrics.newVertx(registry, options);
    } catch (Throwable failure) {
      System.err.println("kvs: cannot join the cluster " + config.cluster().name() + ": " + failure);
      System.exit(1);
      return;
    }
    KvsApplication app;
    try {
      app = KvsApplication.start(vertx, config, registry).await();
    } catch (Throwable failure) {
      System.err.println(explainStartFailure(config, failure));
      vertx.close();
      System.exit(1);
      return;
    }
    LOG.info("KVS listening on http://{}:{} (database {}, {}, {} HTTP instances, authentication {}, {}{})",
        config.http().host(), config.http().port(), config.database().describe(), config.database().tls().describe(),
        config.http().instances(), config.auth().enabled() ? "on" : "OFF",
        config.cluster().enabled() ? "member of cluster " + config.cluster().name() : "standalone",
        config.http().separateManagementPort() ? ", health and metrics on port " + config.http().managementPort() : "");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("shutting down: draining in-flight requests (up to {} ms)", config.shutdownGraceMs());
      try {
        app.stop().await(config.shutdownGraceMs() + 5_000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.warn("shutdown did not complete cleanly: {}", e.toString());
      }
      // Closed from this thread, not as a continuation of app.stop(): that future's callbacks run on
      // an event loop, which closing Vert.x terminates before it could tell anyone it is done.
      try {
        vertx.close().await(5_000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.warn("Vert.x did not close cleanly: {}", e.toString());
      }
    }, "kvs-shutdown"));
  }

  /** A message a newcomer can act on, instead of a stack trace. */
  static String explainStartFailure(KvsConfig config, Throwable failure) {
    if (failure instanceof StartChecks.StartRefused refused) {
      return "kvs: " + refused.getMessage();
    }
    String where = config.database().describe();
    SQLException sql = find(failure, SQLException.class);
    String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
    String detail = rootMessage(failure);
    if (state.equals("3D000")) {
      return "kvs: the database in " + where + " does not exist (" + detail + ").\n"
          + "  Create it (createdb " + config.database().database() + "), or choose another with PGDATABASE or KVS_DB_URL.";
    }
    if (state.startsWith("28") && detail.contains("no encryption")) {
      // pg_hba.conf has only hostssl lines for this login.
      return "kvs: PostgreSQL at " + where + " accepts this login only over TLS (" + detail + ").\n"
          + "  Set sslmode=require or stricter in KVS_DB_URL or PGSSLMODE.";
    }
    if (state.startsWith("28")) {
      return "kvs: PostgreSQL at " + where + " refused the login (" + detail + ").\n"
          + "  Set PGUSER / PGPASSWORD, or KVS_DB_URL=postgresql://USER:PASSWORD@HOST:5432/DATABASE.";
    }
    if (tlsFailed(failure)) {
      return explainTlsFailure(config, detail);
    }
    if (state.startsWith("08") || find(failure, java.net.ConnectException.class) != null) {
      return "kvs: no PostgreSQL answers at " + where + " (" + detail + ").\n"
          + "  Start one locally (Debian: sudo pg_ctlcluster 15 main start;"
          + " with Docker: docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16),\n"
          + "  or point KVS at yours: KVS_DB_URL=postgresql://USER:PASSWORD@HOST:5432/DATABASE"
          + " (or libpq's PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE).";
    }
    if (find(failure, java.net.BindException.class) != null) {
      return "kvs: cannot listen on port " + config.http().port() + " (" + detail + "). Choose another with KVS_HTTP_PORT.";
    }
    LOG.error("start failed", failure);
    return "kvs: start failed: " + detail;
  }

  /**
   * TLS refused or failed: the JDK's handshake exceptions, or the drivers' words for a server
   * without TLS (pgjdbc, Vert.x) and for a host name the certificate does not list (pgjdbc).
   */
  private static boolean tlsFailed(Throwable failure) {
    return find(failure, javax.net.ssl.SSLException.class) != null
        || find(failure, java.security.cert.CertificateException.class) != null
        || says(failure, "SSL") || says(failure, "hostnameverifier");
  }

  private static String explainTlsFailure(KvsConfig config, String rootMessage) {
    String detail = rootMessage.endsWith(".") ? rootMessage.substring(0, rootMessage.length() - 1) : rootMessage;
    String where = config.database().describe();
    String tls = config.database().tls().describe();
    if (says(detail, "does not support SSL") || says(detail, "does not handle SSL")) {
      return "kvs: PostgreSQL at " + where + " does not offer TLS, which " + tls + " demands (" + detail + ").\n"
          + "  Turn it on in the server's postgresql.conf (ssl = on, ssl_cert_file, ssl_key_file),"
          + " or lower sslmode in KVS_DB_URL or PGSSLMODE (prefer encrypts only when the server offers TLS).";
    }
    return "kvs: TLS to PostgreSQL at " + where + " failed (" + tls + "): " + detail + ".\n"
        + "  verify-ca and verify-full need sslrootcert (in KVS_DB_URL) or PGSSLROOTCERT to be the PEM certificate"
        + " of the CA that signed the server's; verify-full also needs the host in KVS_DB_URL or PGHOST to be a name"
        + " the server's certificate lists. sslmode=require without a root certificate encrypts without checking either.";
  }

  private static boolean says(Throwable failure, String words) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (says(t.getMessage(), words)) {
        return true;
      }
    }
    return false;
  }

  private static boolean says(String message, String words) {
    return message != null && message.contains(words);
  }

  private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
