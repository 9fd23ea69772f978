package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kvs.config.KvsConfig;
import dev.kvs.support.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

/** Several replicas starting at once on an empty database: one migrates, the others find it done. */
class MigrationsIT {

  @Test
  void concurrentStartsMigrateExactlyOnce() throws Exception {
    TestPostgres pg = TestPostgres.get();
    String db = pg.createDatabase("migrations");
    try {
      KvsConfig config = KvsConfig.fromEnv(Map.of("KVS_DB_URL", pg.kvsUrl(db)));
      int replicas = 4;
      ExecutorService pool = Executors.newFixedThreadPool(replicas);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<MigrateResult>> results = new ArrayList<>();
      for (int i = 0; i < replicas; i++) {
        results.add(pool.submit(() -> {
          go.await();
          return Migrations.apply(config.database());
        }));
      }
      go.countDown();
      int executed = 0;
      for (Future<MigrateResult> result : results) {
        executed += result.get().migrationsExecuted;
      }
      pool.shutdown();
      try (Connection c = pg.connect(db); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
        rs.next();
        assertEquals(executed, rs.getInt(1), "each migration recorded once");
      }
      assertEquals(countMigrationFiles(), executed, "every migration ran exactly once across the replicas");
    } finally {
      pg.dropDatabase(db);
    }
  }

  /** The migrations shipped: the files of db/migration in the source tree (tests run from the project root). */
  private static int countMigrationFiles() throws Exception {
    try (var files = java.nio.file.Files.list(java.nio.file.Path.of("db", "migration"))) {
      return (int) files.filter(p -> p.getFileName().toString().endsWith(".sql")).count();
    }
  }
}
