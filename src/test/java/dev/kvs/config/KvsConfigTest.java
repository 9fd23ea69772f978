package dev.kvs.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings from the environment: defaults that hold together, and bad values named at start. */
class KvsConfigTest {
  @Test
  void aBadValueStopsTheStartNamingItsVariable() {
    for (Map<String, String> env : new Map[] {
        Map.of("KVS_HTTP_PORT", "eighty"),
        Map.of("KVS_CACHE_ENABLED", "maybe"),
        Map.of("KVS_LOG_LEVEL", "verbose"),
        Map.of("KVS_TTL_DEFAULT_MINUTES", "100", "KVS_TTL_MAX_MINUTES", "10")}) {
      String variable = env.keySet().stream().sorted().findFirst().orElseThrow();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KvsConfig.fromEnv(env), env::toString);
      assertTrue(e.getMessage().contains(variable), e.getMessage());
    }
  }

  @Test
  void logLevelsAreCaseInsensitive() {
    assertDoesNotThrow(() -> KvsConfig.fromEnv(Map.of("KVS_LOG_LEVEL", "warn")));
  }

  @Test
  void anyLegalBulkWriteFitsTheDefaultBulkBodyLimit() {
    KvsConfig config = KvsConfig.fromEnv(Map.of());
    // 1,000 items, each with value and metadata at their limits fully \\u-escaped, a 512-byte key
    // escaped, and the field names.
    int worstItem = 6 * config.limits().maxValueBytes() + 6 * config.limits().maxMetadataBytes() + 2 * 512 + 200;
    assertTrue(config.http().bodyLimits().bulkWrite() >= 1_000L * worstItem, "bulk " + config.http().bodyLimits().bulkWrite() + " < " + 1_000L * worstItem);
  }

  @Test
  void theBulkLimitGrowsWithTheValueLimit() {
    KvsConfig config = KvsConfig.fromEnv(Map.of("KVS_MAX_VALUE_BYTES", "4096"));
    assertTrue(config.http().bodyLimits().bulkWrite() >= 1_000L * 6 * 4096, "bulk " + config.http().bodyLimits().bulkWrite());
  }

  @Test
  void defaultsMatchTheReadme() {
    KvsConfig config = KvsConfig.fromEnv(Map.of());
    assertEquals(8080, config.http().port());
    assertEquals(2_000, config.cache().ttlMs());
    assertEquals(100_000, config.cache().maxEntries());
    assertEquals(KvsConfig.BatchConfig.defaultMaxInFlight(Runtime.getRuntime().availableProcessors()),
        config.batch().maxInFlight());
  }

  @Test
  void twoSharedStatementsPerCoreByDefault() {
    assertEquals(2, KvsConfig.BatchConfig.defaultMaxInFlight(1), "at least two");
    assertEquals(4, KvsConfig.BatchConfig.defaultMaxInFlight(2));
    assertEquals(16, KvsConfig.BatchConfig.defaultMaxInFlight(8));
  }

  @Test
  void sharedStatementsInFlightAreBoundedByThePool() {
    KvsConfig.BatchConfig batch = KvsConfig.fromEnv(Map.of("KVS_BATCH_MAX_IN_FLIGHT", "6")).batch();
    assertEquals(6, batch.inFlight(16));
    assertEquals(3, batch.inFlight(3), "never more statements in flight than connections");
    assertThrows(IllegalArgumentException.class, () -> KvsConfig.fromEnv(Map.of("KVS_BATCH_MAX_IN_FLIGHT", "0")));
  }
}
