package dev.kvs.support;

import dev.kvs.KvsApplication;
import dev.kvs.config.KvsConfig;
import dev.kvs.metrics.Metrics;
import dev.kvs.store.RecordReader;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A real KVS for a test class: its own database on the test PostgreSQL, the application started
 * exactly as Main starts it (Flyway, pool, HTTP verticles), and a real HTTP client.
 * The helpers block on the test thread ({@code await()}), never on an event loop.
 */
public final class TestService implements AutoCloseable {
  public static final String NS = "test";

  public final Vertx vertx;
  public final PrometheusMeterRegistry registry;
  public final String database;
  public final int port;
  public final KvsConfig config;
  public final KvsApplication app;
  public final WebClient http;
  private final boolean ownsDatabase;

  private TestService(Vertx vertx, PrometheusMeterRegistry registry, String database, int port, KvsConfig config,
      KvsApplication app, boolean ownsDatabase) {
    this.vertx = vertx;
    this.registry = registry;
    this.database = database;
    this.port = port;
    this.config = config;
    this.app = app;
    this.ownsDatabase = ownsDatabase;
    this.http = WebClient.create(vertx,
        new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(600));
  }

  /** A service on a new database of its own. {@code env} overrides KVS_* settings. */
  public static TestService start(String purpose, Map<String, String> env) {
    return start(purpose, env, UnaryOperator.identity());
  }

  /** As {@link #start(String, Map)}, with the database read path under the cache wrapped by {@code reads}. */
  public static TestService start(String purpose, Map<String, String> env, UnaryOperator<RecordReader> reads) {
    String db = TestPostgres.get().createDatabase(purpose);
    return start(db, TestPostgres.get().kvsUrl(db), env, true, reads);
  }

  /** A second service on an existing database (another replica), or through another URL (a proxy). */
  public static TestService startOn(String database, String dbUrl, Map<String, String> env) {
    return start(database, dbUrl, env, false, UnaryOperator.identity());
  }

  /** Another replica of this service: same database, its own process state, settings {@code env}. */
  public TestService replica(Map<String, String> env) {
    return startOn(database, TestPostgres.get().kvsUrl(database), env);
  }

  private static TestService start(String db, String dbUrl, Map<String, String> env, boolean ownsDatabase,
      UnaryOperator<RecordReader> reads) {
    Map<String, String> settings = new HashMap<>();
    settings.put("KVS_DB_URL", dbUrl);
    settings.put("KVS_HTTP_HOST", "127.0.0.1");
    settings.put("KVS_HTTP_PORT", Integer.toString(freePort()));
    settings.put("KVS_HTTP_INSTANCES", "2");
    settings.put("KVS_PURGE_ENABLED", "false");
    // Authentication has tests of its own (AuthMatrixIT and others); the rest test the data path.
    settings.put("KVS_AUTH", "off");
    settings.putAll(env);
    KvsConfig config = KvsConfig.fromEnv(settings);
    PrometheusMeterRegistry registry = Metrics.newRegistry();
    Vertx vertx = Metrics.newVertx(registry, new VertxOptions());
    KvsApplication app = KvsApplication.start(vertx, config, registry, reads).await();
    return new TestService(vertx, registry, db, config.http().port(), config, app, ownsDatabase);
  }

  public static String path(String ns, String key) {
    return "/v1/ns/" + ns + "/kv/" + encode(key);
  }

  /** Percent-encodes everything but unreserved characters, dots included (so "." and ".." survive). */
  public static String encode(String key) {
    StringBuilder sb = new StringBuilder();
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(String.format("%02X", c));
      }
    }
    return sb.toString();
  }

  public HttpResponse<Buffer> get(String key) {
    return http.get(path(NS, key)).send().await();
  }

  public HttpResponse<Buffer> put(String key, JsonObject body) {
    return http.put(path(NS, key)).sendJsonObject(body).await();
  }

  public HttpResponse<Buffer> putRaw(String key, String body) {
    return http.put(path(NS, key)).putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)).await();
  }

  public HttpResponse<Buffer> delete(String key) {
    return http.delete(path(NS, key)).send().await();
  }

  /** A plain JDBC connection to this service's database, for seeding and inspecting rows. */
  public Connection sql() {
    try {
      return TestPostgres.get().connect(database);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs one SQL statement on this service's database (seeding, expiring rows by hand). */
  public void execute(String statement) {
    try (Connection c = sql(); java.sql.Statement s = c.createStatement()) {
      s.execute(statement);
    } catch (SQLException e) {
      throw new IllegalStateException(statement + ": " + e.getMessage(), e);
    }
  }

  /**
   * Installs a row trigger on kv whose PL/pgSQL {@code body} runs before each {@code event}
   * ("UPDATE", "DELETE", "INSERT OR UPDATE"): tests stage exact interleavings and failures with it.
   * Closing the result drops it.
   */
  public AutoCloseable trigger(String name, String event, String body) {
    execute("CREATE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " + body + " END $$");
    execute("CREATE TRIGGER " + name + " BEFORE " + event + " ON kv FOR EACH ROW EXECUTE FUNCTION " + name + "()");
    return () -> {
      execute("DROP TRIGGER " + name + " ON kv");
      execute("DROP FUNCTION " + name + "()");
    };
  }

  /** The number of rows of kv matching a WHERE clause. */
  public int count(String where) {
    return rows("kv", where);
  }

  /** Rows of a table of the service's database matching a SQL condition. */
  public int rows(String table, String where) {
    try (Connection c = sql(); java.sql.Statement s = c.createStatement();
         java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table + " WHERE " + where)) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    app.stop().await();
    closeAfterStop();
  }

  /** Releases the client, Vert.x and the database of a service whose application was stopped already. */
  public void closeAfterStop() {
    try {
      http.close();
      vertx.close().await();
    } finally {
      if (ownsDatabase) {
        TestPostgres.get().dropDatabase(database);
      }
    }
  }

  /** A port nothing listens on right now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
