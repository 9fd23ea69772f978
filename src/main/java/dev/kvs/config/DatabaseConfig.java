package dev.kvs.config;

import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the database is and how the pool talks to it. {@code KVS_DB_URL} wins; otherwise libpq's
 * {@code PGHOST}, {@code PGPORT}, {@code PGUSER}, {@code PGPASSWORD} and {@code PGDATABASE} with
 * libpq's defaults for user and database, always over TCP (host {@code localhost} by default).
 * TLS follows libpq too, parameter by parameter: {@code sslmode} and {@code sslrootcert} in
 * KVS_DB_URL, else {@code PGSSLMODE} and {@code PGSSLROOTCERT}; plain TCP when neither says
 * otherwise (see {@link DatabaseTls}). Unix sockets, {@code ~/.pgpass}, client certificates and
 * the other {@code PG*} variables are not read.
 */
public record DatabaseConfig(
    String host,
    int port,
    String database,
    String user,
    String password,
    int poolSize,
    int pipeliningLimit,
    int maxWaitQueue,
    int connectTimeoutMs,
    int lockTimeoutMs,
    int statementTimeoutMs,
    DatabaseTls tls) {

  static DatabaseConfig fromEnv(EnvReader in) {
    String url = in.stringOrNull("KVS_DB_URL");
    String host;
    int port;
    String database;
    String user;
    String password;
    if (url != null) {
      PgConnectOptions parsed;
      try {
        // Without sslmode, which DatabaseTls reads (Vert.x's parser would take a bad one for a bad URL).
        parsed = PgConnectOptions.fromUri(url.replaceAll("([?&])sslmode=[^&]*", "$1"));
      } catch (RuntimeException e) {
        // The parser's message repeats the URL, password included: name the form, never the secret.
        throw new IllegalArgumentException("KVS_DB_URL is not a URL of the form "
            + "postgresql://USER:PASSWORD@HOST:5432/DATABASE (got " + withoutCredentials(url) + ")");
      }
      host = parsed.getHost();
      port = parsed.getPort();
      user = url.contains("@") ? parsed.getUser() : System.getProperty("user.name");
      database = hasPath(url) ? parsed.getDatabase() : user;
      password = url.contains("@") ? parsed.getPassword() : null;
    } else {
      host = in.string("PGHOST", "localhost");
      port = in.intValue("PGPORT", 5432, 1, 65_535);
      user = in.string("PGUSER", System.getProperty("user.name"));
      database = in.string("PGDATABASE", user);
      password = in.stringOrNull("PGPASSWORD");
    }
    // After the URL parsed: its query then holds no part of the credentials, so messages may quote it.
    DatabaseTls tls = DatabaseTls.fromEnv(url == null ? Map.of() : tlsParameters(url), in);
    int cores = Runtime.getRuntime().availableProcessors();
    return new DatabaseConfig(host, port, database, user, password,
        in.intValue("KVS_DB_POOL_SIZE", Math.max(8, cores * 8), 1, 1_000),
        in.intValue("KVS_DB_PIPELINING_LIMIT", 8, 1, 4_096),
        in.intValue("KVS_DB_MAX_WAIT_QUEUE", 10_000, 1, 1_000_000),
        in.intValue("KVS_DB_CONNECT_TIMEOUT_MS", 2_000, 100, 600_000),
        in.intValue("KVS_DB_LOCK_TIMEOUT_MS", 2_000, 1, 600_000),
        in.intValue("KVS_DB_STATEMENT_TIMEOUT_MS", 10_000, 1, 3_600_000),
        tls);
  }

  /**
   * sslmode and sslrootcert from the URL's query (Vert.x's parser does not know sslrootcert).
   * Values are percent-decoded as libpq does ('+' stays '+'); other parameters are left alone (a
   * password may be one).
   */
  private static Map<String, String> tlsParameters(String url) {
    Map<String, String> found = new HashMap<>();
    int query = url.indexOf('?');
    for (String pair : query < 0 ? new String[0] : url.substring(query + 1).split("&")) {
      int eq = pair.indexOf('=');
      String key = pair.substring(0, Math.max(eq, 0));
      if ((key.equals("sslmode") || key.equals("sslrootcert")) && eq + 1 < pair.length()) {
        try {
          found.put(key, URLDecoder.decode(pair.substring(eq + 1).replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("KVS_DB_URL's " + key + " is not percent-encoded correctly");
        }
      }
    }
    return found;
  }

  /** The URL with everything between the scheme and the last '@' (user and password) masked. */
  static String withoutCredentials(String url) {
    int at = url.lastIndexOf('@');
    if (at < 0) {
      return url;
    }
    int scheme = url.indexOf("://");
    return (scheme >= 0 && scheme < at ? url.substring(0, scheme + 3) : "") + "***" + url.substring(at);
  }

  private static boolean hasPath(String url) {
    int scheme = url.indexOf("://");
    int slash = url.indexOf('/', scheme < 0 ? 0 : scheme + 3);
    return slash >= 0 && slash + 1 < url.length() && url.charAt(slash + 1) != '?';
  }

  /** Options for the reactive pool: every session gets a bounded lock wait, so contention turns into 409, not a hang. */
  public PgConnectOptions connectOptions(String name) {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        .setPipeliningLimit(pipeliningLimit)
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(64);
    if (password != null) {
      options.setPassword(password);
    }
    // The name shows in pg_stat_activity and labels the connections' metrics (namespace).
    options.setMetricsName(name);
    options.addProperty("application_name", name);
    options.addProperty("lock_timeout", Integer.toString(lockTimeoutMs));
    options.addProperty("statement_timeout", Integer.toString(statementTimeoutMs));
    tls.applyTo(options);
    return options;
  }

  /**
   * TCP settings of a pool's connections: a dead host fails fast instead of hanging a request.
   * {@code name} labels the pool's connection metrics (client_name).
   */
  public NetClientOptions transportOptions(String name) {
    return new NetClientOptions().setConnectTimeout(connectTimeoutMs).setTcpNoDelay(true).setTcpKeepAlive(true)
        .setMetricsName(name);
  }

  /**
   * Connections each process holds besides the pool: one LISTENs for other replicas' changes, one
   * holds the change feed's publisher lock and reads the change log, and
   * {@link #BACKGROUND_POOL_SIZE} serve the purge, the change notifications and the readiness
   * probe, so that none of those queues behind user traffic in a saturated pool.
   */
  public static final int BACKGROUND_POOL_SIZE = 2;
  public static final int CONNECTIONS_BESIDES_POOL = BACKGROUND_POOL_SIZE + 2;

  public PoolOptions poolOptions() {
    return new PoolOptions()
        .setName("kvs")
        .setMaxSize(poolSize)
        .setMaxWaitQueueSize(maxWaitQueue)
        .setConnectionTimeout(connectTimeoutMs)
        .setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** The small pool of the background work (purge, NOTIFY, readiness); its waiters are few. */
  public PoolOptions backgroundPoolOptions() {
    return new PoolOptions()
        .setName("kvs-background")
        .setMaxSize(BACKGROUND_POOL_SIZE)
        .setMaxWaitQueueSize(1_000)
        .setConnectionTimeout(connectTimeoutMs)
        .setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** The same database for JDBC (Flyway). */
  public String jdbcUrl() {
    String hostPart = host.contains(":") ? "[" + host + "]" : host;
    return "jdbc:postgresql://" + hostPart + ":" + port + "/" + database;
  }

  /** Driver settings for Flyway's connection: the same connect bound and TLS as the pool's. */
  public Map<String, String> jdbcProperties() {
    String seconds = Integer.toString(Math.max(1, (connectTimeoutMs + 999) / 1000));
    Map<String, String> properties = new HashMap<>(
        Map.of("ApplicationName", "kvs-migrations", "connectTimeout", seconds, "loginTimeout", seconds));
    tls.addTo(properties);
    return properties;
  }

  /** Where we connect, for log lines and error messages: never the password. */
  public String describe() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }
}
