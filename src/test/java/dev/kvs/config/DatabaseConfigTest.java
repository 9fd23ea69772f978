package dev.kvs.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the configuration says the database is, for the pool and for Flyway alike. */
class DatabaseConfigTest {
  private static DatabaseConfig from(Map<String, String> env) {
    return KvsConfig.fromEnv(env).database();
  }

  @Test
  void theUrlWinsOverThePgVariables() {
    DatabaseConfig db = from(Map.of("KVS_DB_URL", "postgresql://app:pw@db.example:6543/kv", "PGHOST", "elsewhere"));
    assertEquals("db.example", db.host());
    assertEquals(6543, db.port());
    assertEquals("kv", db.database());
    assertEquals("app", db.user());
    assertEquals("pw", db.password());
    assertEquals("jdbc:postgresql://db.example:6543/kv", db.jdbcUrl());
    assertEquals("postgresql://app@db.example:6543/kv", db.describe(), "never the password");
  }

  @Test
  void aMalformedUrlIsRefusedWithoutShowingItsPassword() {
    for (String url : new String[] {
        "postgresql://app:Sup3rS3cret@db.example:port/kv", "postgres://app:Sup3rS3cret@[db.example/kv",
        "mysql://app:Sup3rS3cret@db.example/kv", "postgresql://app:Sup3rS3cret@@db.example:99999/kv"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> from(Map.of("KVS_DB_URL", url)), url);
      assertTrue(e.getMessage().contains("KVS_DB_URL"), e.getMessage());
      assertFalse(e.getMessage().contains("Sup3rS3cret"), "the password leaks: " + e.getMessage());
    }
  }

  @Test
  void libpqDefaultsWhenNothingIsSet() {
    DatabaseConfig db = from(Map.of("PGUSER", "ada"));
    assertEquals("localhost", db.host());
    assertEquals(5432, db.port());
    assertEquals("ada", db.database(), "the database defaults to the user's name, as in libpq");
  }

  @Test
  void anIpv6HostIsBracketedForJdbc() {
    assertEquals("jdbc:postgresql://[::1]:5432/kv", from(Map.of("PGHOST", "::1", "PGDATABASE", "kv")).jdbcUrl());
  }

  @Test
  void flywayConnectsWithinTheSameTimeoutAsThePool() {
    Map<String, String> props = from(Map.of("KVS_DB_CONNECT_TIMEOUT_MS", "2500")).jdbcProperties();
    assertEquals("3", props.get("connectTimeout"), "rounded up to whole seconds");
    assertEquals("3", props.get("loginTimeout"));
  }

  @Test
  void aBrokenUrlNamesTheVariable() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> from(Map.of("KVS_DB_URL", "mysql://nope")));
    assertTrue(e.getMessage().contains("KVS_DB_URL"), e.getMessage());
  }

  /** A self-signed certificate, as a root certificate file (its key was never kept). */
  private static final String ROOT = rootPem();

  private static String rootPem() {
    try {
      return Path.of(DatabaseConfigTest.class.getResource("/tls/root.pem").toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void withoutSslmodeConnectionsArePlainAsBefore() {
    DatabaseConfig db = from(Map.of("KVS_DB_URL", "postgresql://app@db:5432/kv"));
    assertEquals(SslMode.DISABLE, db.connectOptions("kvs").getSslMode());
    assertEquals("disable", db.jdbcProperties().get("sslmode"), "pgjdbc would prefer TLS otherwise");
    assertEquals("sslmode=disable", db.tls().describe());
  }

  @Test
  void requireEncryptsWithoutCheckingTheCertificate() {
    for (Map<String, String> env : List.of(
        Map.of("KVS_DB_URL", "postgresql://app@db:5432/kv?sslmode=require"),
        Map.of("KVS_DB_URL", "postgresql://app@db:5432/kv", "PGSSLMODE", "require"),
        Map.of("PGSSLMODE", "REQUIRE"))) {
      DatabaseConfig db = from(env);
      PgConnectOptions pool = db.connectOptions("kvs");
      assertEquals(SslMode.REQUIRE, pool.getSslMode(), env::toString);
      assertTrue(pool.getSslOptions().isTrustAll(), "any certificate: there is no root to check it against");
      assertEquals("", pool.getSslOptions().getHostnameVerificationAlgorithm());
      assertEquals("require", db.jdbcProperties().get("sslmode"), "pgjdbc's require does not check the certificate");
      assertNull(db.jdbcProperties().get("sslrootcert"));
    }
  }

  @Test
  void allowAndPreferPassThrough() {
    assertEquals(SslMode.ALLOW, from(Map.of("PGSSLMODE", "allow")).connectOptions("kvs").getSslMode());
    DatabaseConfig prefer = from(Map.of("KVS_DB_URL", "postgresql://app@db/kv?sslmode=prefer"));
    assertEquals(SslMode.PREFER, prefer.connectOptions("kvs").getSslMode());
    assertTrue(prefer.connectOptions("kvs").getSslOptions().isTrustAll());
    assertEquals("prefer", prefer.jdbcProperties().get("sslmode"));
  }

  @Test
  void verifyCaChecksTheChainButNotTheHostName() {
    DatabaseConfig db = from(Map.of("KVS_DB_URL", "postgresql://app:pw@db:5432/kv?sslmode=verify-ca&sslrootcert=" + ROOT));
    PgConnectOptions pool = db.connectOptions("kvs");
    assertEquals(SslMode.VERIFY_CA, pool.getSslMode());
    assertFalse(pool.getSslOptions().isTrustAll());
    assertEquals(List.of(ROOT), ((PemTrustOptions) pool.getSslOptions().getTrustOptions()).getCertPaths());
    assertEquals("", pool.getSslOptions().getHostnameVerificationAlgorithm());
    assertEquals("verify-ca", db.jdbcProperties().get("sslmode"));
    assertEquals(ROOT, db.jdbcProperties().get("sslrootcert"));
    assertEquals("jdbc:postgresql://db:5432/kv", db.jdbcUrl(), "TLS travels in the properties");
    assertEquals("pw", db.password(), "the rest of the URL reads as before");
  }

  @Test
  void verifyFullAlsoChecksTheHostName() {
    DatabaseConfig db = from(Map.of("PGHOST", "db", "PGSSLMODE", "verify-full", "PGSSLROOTCERT", ROOT));
    PgConnectOptions pool = db.connectOptions("kvs");
    assertEquals(SslMode.VERIFY_FULL, pool.getSslMode());
    assertEquals("HTTPS", pool.getSslOptions().getHostnameVerificationAlgorithm());
    assertEquals("verify-full", db.jdbcProperties().get("sslmode"));
    assertEquals(ROOT, db.jdbcProperties().get("sslrootcert"));
    assertEquals("sslmode=verify-full, sslrootcert=" + ROOT, db.tls().describe());
  }

  @Test
  void requireWithARootCertificateChecksTheChainAsLibpqDoes() {
    DatabaseConfig db = from(Map.of("PGSSLMODE", "require", "PGSSLROOTCERT", ROOT));
    PgConnectOptions pool = db.connectOptions("kvs");
    assertFalse(pool.getSslOptions().isTrustAll());
    assertEquals(List.of(ROOT), ((PemTrustOptions) pool.getSslOptions().getTrustOptions()).getCertPaths());
    assertEquals("verify-ca", db.jdbcProperties().get("sslmode"), "pgjdbc's require would not check it");
  }

  @Test
  void theUrlsParametersWinOverTheVariablesOneByOne() {
    String percentEncoded = ROOT.replace("/", "%2F");
    DatabaseConfig db = from(Map.of(
        "KVS_DB_URL", "postgresql://app@db/kv?sslrootcert=" + percentEncoded + "&sslmode=verify-full",
        "PGSSLMODE", "disable", "PGSSLROOTCERT", "/nowhere.pem"));
    assertEquals(SslMode.VERIFY_FULL, db.tls().mode());
    assertEquals(ROOT, db.tls().rootCert());
    DatabaseConfig mixed = from(Map.of("KVS_DB_URL", "postgresql://app@db/kv?sslmode=verify-ca", "PGSSLROOTCERT", ROOT));
    assertEquals(ROOT, mixed.jdbcProperties().get("sslrootcert"), "libpq too reads what the URL does not say from PG*");
  }

  @Test
  void verifyModesNeedARootCertificateAndSayWhichVariable() {
    for (Map<String, String> env : List.of(
        Map.of("KVS_DB_URL", "postgresql://app:Sup3rS3cret@db:5432/kv?sslmode=verify-full"),
        Map.of("PGSSLMODE", "verify-ca", "PGPASSWORD", "Sup3rS3cret"))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> from(env), env::toString);
      assertTrue(e.getMessage().contains("PGSSLROOTCERT") && e.getMessage().contains("sslrootcert"), e.getMessage());
      assertFalse(e.getMessage().contains("Sup3rS3cret"), "the password leaks: " + e.getMessage());
    }
  }

  @Test
  void anUnreadableRootCertificateStopsTheStartNamingItsSetting(@TempDir Path dir) throws IOException {
    String missing = dir.resolve("missing.pem").toString();
    String notPem = Files.writeString(dir.resolve("not.pem"), "hello").toString();
    assertRootCertRefused(Map.of("PGSSLMODE", "verify-full", "PGSSLROOTCERT", missing, "PGPASSWORD", "Sup3rS3cret"),
        "PGSSLROOTCERT: cannot read the root certificate " + missing + " (no such file)");
    assertRootCertRefused(Map.of("KVS_DB_URL", "postgresql://app:Sup3rS3cret@db/kv?sslmode=require&sslrootcert=" + notPem),
        "KVS_DB_URL's sslrootcert: cannot read the root certificate " + notPem + " (not a PEM certificate file)");
    assertRootCertRefused(Map.of("PGSSLMODE", "verify-ca", "PGSSLROOTCERT", dir.toString()),
        "PGSSLROOTCERT: cannot read the root certificate " + dir + " (");
    assertDoesNotThrow(() -> from(Map.of("PGSSLMODE", "prefer", "PGSSLROOTCERT", missing)),
        "prefer does not use the root certificate, so does not read it");
  }

  private static void assertRootCertRefused(Map<String, String> env, String messageStart) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> from(env), env::toString);
    assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
    assertFalse(e.getMessage().contains("Sup3rS3cret"), "the password leaks: " + e.getMessage());
  }

  @Test
  void aBadSslmodeIsRefusedNamingTheVariable() {
    IllegalArgumentException url = assertThrows(IllegalArgumentException.class,
        () -> from(Map.of("KVS_DB_URL", "postgresql://app:Sup3rS3cret@db:5432/kv?sslmode=verify_full")));
    assertEquals("KVS_DB_URL's sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full,"
        + " got 'verify_full'", url.getMessage());
    IllegalArgumentException env = assertThrows(IllegalArgumentException.class,
        () -> from(Map.of("PGSSLMODE", "on", "PGPASSWORD", "Sup3rS3cret")));
    assertTrue(env.getMessage().startsWith("PGSSLMODE must be one of"), env.getMessage());
    IllegalArgumentException hidden = assertThrows(IllegalArgumentException.class,
        () -> from(Map.of("KVS_DB_URL", "postgresql://app:Sup3r?sslmode=S3cret@db:5432/kv")));
    assertFalse(hidden.getMessage().contains("S3cret"), "a URL that does not parse is never quoted: " + hidden.getMessage());
  }
}
