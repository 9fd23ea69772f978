package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kvs.config.KvsConfig;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Start failures Main explains that a test server cannot stage (DatabaseTlsIT and ProcessIT stage the others). */
class MainTest {

  @Test
  void aLoginAllowedOnlyOverTlsPointsAtSslmode() {
    KvsConfig config = KvsConfig.fromEnv(Map.of("KVS_DB_URL", "postgresql://app:Sup3rS3cret@db:5432/kv"));
    // What PostgreSQL answers when pg_hba.conf has only hostssl lines for the login.
    SQLException refused = new SQLException("FATAL: no pg_hba.conf entry for host \"10.0.0.7\", user \"app\", "
        + "database \"kv\", no encryption", "28000");
    assertEquals("kvs: PostgreSQL at postgresql://app@db:5432/kv accepts this login only over TLS (FATAL: no pg_hba.conf"
        + " entry for host \"10.0.0.7\", user \"app\", database \"kv\", no encryption).\n"
        + "  Set sslmode=require or stricter in KVS_DB_URL or PGSSLMODE.",
        Main.explainStartFailure(config, new RuntimeException("migration failed", refused)));
  }
}
