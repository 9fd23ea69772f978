package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.config.KvsConfig;
import dev.kvs.metrics.Metrics;
import dev.kvs.support.DatabaseActivity;
import dev.kvs.support.TestPostgres;
import dev.kvs.support.TestService;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to the tests' real PostgreSQL, for the pool (Vert.x) and Flyway (pgjdbc) alike. The server
 * must offer TLS (Debian's package does, with its snakeoil certificate; .ci/postgres.sh makes
 * sure): these tests fail, never skip, when it does not. The certificate the server presents
 * serves as the root certificate of verify-ca and verify-full, as Debian's self-signed one can.
 * Only verify-full's success needs a name the certificate lists to reach the server (snakeoil
 * lists the machine's host name); where none does, that one test is skipped and says why.
 */
class DatabaseTlsIT {
  private static final String NO_TLS = """
      The test PostgreSQL at %s:%d does not offer TLS (ssl = off), and DatabaseTlsIT needs it.
      Turn it on, on Debian (what .ci/postgres.sh does):
        make-ssl-cert generate-default-snakeoil
        printf "ssl = on\\nssl_cert_file = '/etc/ssl/certs/ssl-cert-snakeoil.pem'\\nssl_key_file = '/etc/ssl/private/ssl-cert-snakeoil.key'\\n" \\
          > /etc/postgresql/15/main/conf.d/90-ci-ssl.conf
        pg_ctlcluster 15 main reload
      Elsewhere: ssl = on in postgresql.conf with ssl_cert_file and ssl_key_file, or point KVS_TEST_PG_URL at a server with TLS.""";

  @TempDir
  static Path dir;
  private static TestPostgres pg;
  private static String database;
  private static X509Certificate serverCert;
  private static String rootCert;

  @BeforeAll
  static void serverOffersTls() throws Exception {
    pg = TestPostgres.get();
    List<X509Certificate> chain = presentedChain(pg.host(), pg.port());
    // The top of the chain the server sends: the certificate itself when self-signed (snakeoil).
    serverCert = chain.get(chain.size() - 1);
    rootCert = Files.writeString(dir.resolve("root.pem"), "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(serverCert.getEncoded())
        + "\n-----END CERTIFICATE-----\n").toString();
    database = pg.createDatabase("tls");
  }

  @AfterAll
  static void dropDatabase() {
    if (database != null) {
      pg.dropDatabase(database);
    }
  }

  @Test
  void requireEncryptsThePoolAndTheMigrations() throws Exception {
    String url = pg.kvsUrl(database) + "?sslmode=require";
    try (TestService kvs = TestService.startOn(database, url, Map.of());
         Connection watcher = pg.connect(database); Statement sql = watcher.createStatement()) {
      writeAndRead(kvs);
      Map<String, Boolean> connections = sslByApplication(sql);
      assertTrue(connections.keySet().containsAll(List.of("kvs", "kvs-listen")),
          "a request pool connection and the cache's listener are open: " + connections);
      assertFalse(connections.containsValue(false), "every connection of the service is encrypted: " + connections);

      // Flyway's connection lives only while it migrates: a second replica's waits on the
      // history table, held here, long enough to be seen.
      try (Connection holder = pg.connect(database); Statement lock = holder.createStatement()) {
        holder.setAutoCommit(false);
        lock.execute("LOCK TABLE flyway_schema_history IN ACCESS EXCLUSIVE MODE");
        CompletableFuture<TestService> replica =
            CompletableFuture.supplyAsync(() -> TestService.startOn(database, url, Map.of()));
        DatabaseActivity.await(sql, "application_name = 'kvs-migrations' AND wait_event_type = 'Lock'",
            "the second replica's migrations never waited on the history table");
        assertEquals(Boolean.TRUE, sslByApplication(sql).get("kvs-migrations"), "Flyway's connection is encrypted");
        holder.rollback();
        replica.get(30, TimeUnit.SECONDS).close();
      }
    }
  }

  @Test
  void verifyCaAcceptsTheServersCertificateAsRoot() throws Exception {
    // Through the PG* variables this time: the URL says nothing about TLS.
    Map<String, String> env = Map.of("PGSSLMODE", "verify-ca", "PGSSLROOTCERT", rootCert);
    try (TestService kvs = TestService.startOn(database, pg.kvsUrl(database), env);
         Connection watcher = pg.connect(database); Statement sql = watcher.createStatement()) {
      writeAndRead(kvs);
      Map<String, Boolean> connections = sslByApplication(sql);
      assertEquals(Boolean.TRUE, connections.get("kvs"), "the pool's connection is encrypted: " + connections);
    }
  }

  @Test
  void verifyFullRefusesAHostNameTheCertificateDoesNotList() throws Exception {
    // The server's address rather than a name: certificates seldom list addresses (snakeoil lists the host name).
    String address = InetAddress.getByName(pg.host()).getHostAddress();
    assertFalse(names(serverCert).contains(address),
        "the test needs a host the server's certificate does not list, but it lists " + address);
    String url = pg.kvsUrl(address, pg.port(), database) + "?sslmode=verify-full";
    KvsConfig config = config(url, rootCert);

    // The process as an operator runs it: one message, which says what failed and where to look.
    String output = runToExit(1, Map.of("KVS_DB_URL", url, "PGSSLROOTCERT", rootCert));
    String expected = "kvs: TLS to PostgreSQL at " + config.database().describe()
        + " failed (sslmode=verify-full, sslrootcert=" + rootCert + "): ";
    assertTrue(output.startsWith(expected), output);
    String detail = output.substring(expected.length());
    assertTrue(detail.contains(address) && detail.contains("verify-full also needs the host"), output);
    assertEquals(2, output.lines().count(), "the message, and nothing else: " + output);

    // Flyway failed first; the pool's connections refuse the host name as well.
    Vertx vertx = Vertx.vertx();
    try {
      Throwable pool = assertThrows(Throwable.class,
          () -> PgConnection.connect(vertx, config.database().connectOptions("kvs")).await());
      String explained = Main.explainStartFailure(config, pool);
      assertTrue(explained.startsWith(expected), explained);
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void verifyFullAcceptsANameTheCertificateLists() {
    String name = names(serverCert).stream().filter(n -> answers(n, pg.port())).findFirst().orElse(null);
    Assumptions.assumeTrue(name != null, "none of the names the server's certificate lists " + names(serverCert)
        + " reaches the server at port " + pg.port());
    String url = pg.kvsUrl(name, pg.port(), database) + "?sslmode=verify-full&sslrootcert=" + rootCert;
    try (TestService kvs = TestService.startOn(database, url, Map.of())) {
      writeAndRead(kvs);
    }
  }

  @Test
  void aMissingRootCertificateStopsTheStartNamingTheSetting() throws Exception {
    String missing = dir.resolve("missing.pem").toString();
    String output = runToExit(2, Map.of("KVS_DB_URL", pg.kvsUrl(database) + "?sslmode=verify-ca&sslrootcert=" + missing));
    assertEquals("kvs: bad configuration: KVS_DB_URL's sslrootcert: cannot read the root certificate " + missing
        + " (no such file)\n", output);
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> config(pg.kvsUrl(database) + "?sslmode=verify-full", null));
    assertTrue(none.getMessage().contains("PGSSLROOTCERT"), none.getMessage());
  }

  @Test
  void aServerWithoutTlsIsToldApart() throws Exception {
    // A stand-in that answers PostgreSQL's SSLRequest with 'N', as a server with ssl = off does.
    try (ServerSocket refuser = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        while (!refuser.isClosed()) {
          try (Socket s = refuser.accept()) {
            s.getInputStream().readNBytes(8);
            s.getOutputStream().write('N');
            s.getInputStream().read(); // until the client hangs up
          } catch (IOException closed) {
            // next
          }
        }
      });
      KvsConfig config = config(pg.kvsUrl("127.0.0.1", refuser.getLocalPort(), database) + "?sslmode=require", null);
      String start = startFailure(config);
      assertTrue(start.startsWith("kvs: PostgreSQL at " + config.database().describe()
          + " does not offer TLS, which sslmode=require demands"), start);
      Vertx vertx = Vertx.vertx();
      try {
        Throwable pool = assertThrows(Throwable.class,
            () -> PgConnection.connect(vertx, config.database().connectOptions("kvs")).await());
        assertTrue(Main.explainStartFailure(config, pool).contains("does not offer TLS"), pool.toString());
      } finally {
        vertx.close().await();
      }
    }
  }

  private static KvsConfig config(String url, String rootCertVariable) {
    Map<String, String> env = new java.util.HashMap<>(Map.of("KVS_DB_URL", url, "KVS_HTTP_HOST", "127.0.0.1",
        "KVS_HTTP_PORT", Integer.toString(TestService.freePort()), "KVS_PURGE_ENABLED", "false"));
    if (rootCertVariable != null) {
      env.put("PGSSLROOTCERT", rootCertVariable);
    }
    return KvsConfig.fromEnv(env);
  }

  /** Runs the packaged service (see ProcessIT) until it exits with {@code status}; its output. */
  private static String runToExit(int status, Map<String, String> env) throws Exception {
    assertTrue(Files.exists(Path.of("target", "kvs.jar")), "run through Maven's verify, which builds target/kvs.jar first");
    Path log = Files.createTempFile(dir, "kvs", ".log");
    Process kvs = ProcessIT.start(env, log);
    try {
      assertTrue(kvs.waitFor(60, TimeUnit.SECONDS), "the process exits");
    } finally {
      kvs.destroyForcibly();
    }
    String output = Files.readString(log);
    assertEquals(status, kvs.exitValue(), output);
    assertFalse(output.contains("\tat ") || output.contains("Exception"), "no stack trace: " + output);
    return output;
  }

  /** Starts KVS as Main does, expecting it to fail; what Main prints then. */
  private static String startFailure(KvsConfig config) {
    Vertx vertx = Vertx.vertx();
    try {
      Throwable failure = assertThrows(Throwable.class,
          () -> KvsApplication.start(vertx, config, Metrics.newRegistry()).await());
      String message = Main.explainStartFailure(config, failure);
      assertFalse(message.contains("start failed"), "a TLS failure, told as such: " + message);
      return message;
    } finally {
      vertx.close().await();
    }
  }

  private static void writeAndRead(TestService kvs) {
    assertEquals(200, kvs.put("secret", new JsonObject().put("value", "over TLS")).statusCode());
    assertEquals("over TLS", kvs.get("secret").bodyAsJsonObject().getJsonObject("secret").getString("value"));
  }

  /** pg_stat_ssl's verdict on the service's connections, by application_name (the listener's without its suffix). */
  private static Map<String, Boolean> sslByApplication(Statement sql) throws Exception {
    Map<String, Boolean> ssl = new java.util.TreeMap<>();
    try (ResultSet rs = sql.executeQuery("SELECT regexp_replace(a.application_name, '^kvs-listen-.*', 'kvs-listen') AS app,"
        + " bool_and(s.ssl) FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)"
        + " WHERE a.datname = current_database() AND a.application_name LIKE 'kvs%' GROUP BY app")) {
      while (rs.next()) {
        ssl.put(rs.getString(1), rs.getBoolean(2));
      }
    }
    return ssl;
  }

  /**
   * The certificates the server presents, from a handshake that trusts anything, after
   * PostgreSQL's SSLRequest; a server that answers it with 'N' has no TLS.
   */
  private static List<X509Certificate> presentedChain(String host, int port) throws Exception {
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(host, port), 5_000);
      plain.setSoTimeout(5_000);
      DataOutputStream out = new DataOutputStream(plain.getOutputStream());
      out.writeInt(8);
      out.writeInt(80877103); // SSLRequest
      out.flush();
      if (plain.getInputStream().read() != 'S') {
        throw new AssertionError(NO_TLS.formatted(host, port));
      }
      SSLContext trustAll = SSLContext.getInstance("TLS");
      trustAll.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
      try (SSLSocket tls = (SSLSocket) trustAll.getSocketFactory().createSocket(plain, host, port, true)) {
        tls.startHandshake();
        List<X509Certificate> chain = new ArrayList<>();
        for (var cert : tls.getSession().getPeerCertificates()) {
          chain.add((X509Certificate) cert);
        }
        return chain;
      }
    }
  }

  /** The DNS names and addresses a certificate lists (subjectAltName). */
  private static List<String> names(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
      for (List<?> alternative : alternatives == null ? List.<List<?>>of() : alternatives) {
        if (alternative.get(0).equals(2) || alternative.get(0).equals(7)) { // dNSName, iPAddress
          names.add((String) alternative.get(1));
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      throw new IllegalStateException(e);
    }
    return names;
  }

  private static boolean answers(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
