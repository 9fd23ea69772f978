package dev.kvs.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

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

  @Test
  void aDemandForTlsIsRefusedRatherThanIgnored() {
    for (Map<String, String> env : new Map[] {
        Map.of("KVS_DB_URL", "postgresql://app@db:5432/kv?sslmode=require"),
        Map.of("KVS_DB_URL", "postgresql://app@db:5432/kv?sslmode=verify-full"),
        Map.of("PGSSLMODE", "verify-ca")}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> from(env), env::toString);
      assertTrue(e.getMessage().contains("TLS"), e.getMessage());
    }
    assertDoesNotThrow(() -> from(Map.of("KVS_DB_URL", "postgresql://app@db:5432/kv?sslmode=disable")));
    assertDoesNotThrow(() -> from(Map.of("PGSSLMODE", "prefer")), "plain connections satisfy prefer");
  }
}
