package dev.kvs.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The PostgreSQL server the tests use, found once per test JVM: a Testcontainers container when
 * a Docker engine answers, otherwise the server named by KVS_TEST_PG_URL, otherwise libpq's PG*
 * variables (default localhost:5432). Each test class gets a database of its own on it.
 */
public final class TestPostgres {
  private static TestPostgres instance;

  private final String host;
  private final int port;
  private final String user;
  private final String password;
  private final String maintenanceDb;

  private TestPostgres(String host, int port, String user, String password, String maintenanceDb) {
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.maintenanceDb = maintenanceDb;
  }

  public static synchronized TestPostgres get() {
    if (instance == null) {
      instance = locate();
      instance.checkReachable();
    }
    return instance;
  }

  private static TestPostgres locate() {
    Map<String, String> env = System.getenv();
    String url = env.get("KVS_TEST_PG_URL");
    if (url != null && !url.isBlank()) {
      return fromUrl(url);
    }
    if (env.get("PGHOST") == null && dockerAnswers()) {
      PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:16-alpine");
      try {
        container.start();
        return new TestPostgres(container.getHost(), container.getFirstMappedPort(), container.getUsername(),
            container.getPassword(), container.getDatabaseName());
      } catch (RuntimeException e) {
        // An engine without the image or a registry to pull it from: the local server may still do.
        System.err.println("Testcontainers could not start PostgreSQL (" + e.getMessage()
            + "); trying libpq's PG* variables / localhost:5432 instead");
      }
    }
    String user = env.getOrDefault("PGUSER", System.getProperty("user.name"));
    return new TestPostgres(
        env.getOrDefault("PGHOST", "localhost"),
        Integer.parseInt(env.getOrDefault("PGPORT", "5432")),
        user,
        env.get("PGPASSWORD"),
        env.getOrDefault("PGDATABASE", "postgres"));
  }

  private static boolean dockerAnswers() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable e) {
      return false;
    }
  }

  /** postgresql://user[:password]@host[:port][/database] */
  private static TestPostgres fromUrl(String url) {
    java.net.URI uri = java.net.URI.create(url.replaceFirst("^postgres(ql)?://", "http://"));
    String userInfo = uri.getUserInfo() == null ? System.getProperty("user.name") : uri.getUserInfo();
    String[] credentials = userInfo.split(":", 2);
    String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
    return new TestPostgres(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), credentials[0],
        credentials.length > 1 ? credentials[1] : null, db);
  }

  private void checkReachable() {
    try (Connection ignored = connect(maintenanceDb)) {
      // reachable
    } catch (SQLException e) {
      throw new IllegalStateException("""
          No PostgreSQL for the tests at %s:%d (user %s, database %s): %s
          The tests need a real PostgreSQL (they never mock it). Provide one of:
            - a Docker engine (Testcontainers starts postgres:16-alpine), or
            - KVS_TEST_PG_URL=postgresql://USER:PASSWORD@HOST:5432/DATABASE (a user allowed to CREATE DATABASE), or
            - libpq's PGHOST / PGPORT / PGUSER / PGPASSWORD / PGDATABASE, or
            - a local server on localhost:5432 (Debian: apt-get install postgresql && pg_ctlcluster 15 main start).
          """.formatted(host, port, user, maintenanceDb, e.getMessage()), e);
    }
  }

  /** A new, empty database for one test class; its name. */
  public String createDatabase(String purpose) {
    String name = ("kvs_test_" + purpose.toLowerCase().replaceAll("[^a-z0-9]", "") + "_"
        + UUID.randomUUID().toString().substring(0, 8));
    execute(maintenanceDb, "CREATE DATABASE " + name);
    return name;
  }

  public void dropDatabase(String name) {
    execute(maintenanceDb, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  public Connection connect(String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("connectTimeout", "5");
    return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, props);
  }

  /** The URL KVS itself is configured with (KVS_DB_URL) to use this server's database {@code db}. */
  public String kvsUrl(String db) {
    return kvsUrl(host, port, db);
  }

  public String kvsUrl(String otherHost, int otherPort, String db) {
    String credentials = password == null ? user : user + ":" + password;
    return "postgresql://" + credentials + "@" + otherHost + ":" + otherPort + "/" + db;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  private void execute(String db, String sql) {
    try (Connection c = connect(db); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
