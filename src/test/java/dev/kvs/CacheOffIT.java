package dev.kvs;

import static dev.kvs.support.Records.record;
import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kvs.support.ObservedReads;
import dev.kvs.support.TestService;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code KVS_CACHE_ENABLED=false}: every read goes to the database, and nothing else changes. */
class CacheOffIT {
  private static final ObservedReads[] READS = new ObservedReads[1];
  private static TestService kvs;

  @BeforeAll
  static void start() {
    kvs = TestService.start("cacheoff", Map.of("KVS_CACHE_ENABLED", "false"), ObservedReads.into(READS));
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  void everyGetQueriesTheDatabase() {
    kvs.put("k", write("v"));
    for (int i = 1; i <= 3; i++) {
      assertEquals(200, kvs.get("k").statusCode());
      assertEquals(i, READS[0].queries("k"), "GET number " + i);
    }
    kvs.get("absent");
    kvs.get("absent");
    assertEquals(2, READS[0].queries("absent"), "absent keys are not remembered either");
  }

  @Test
  void readsSeeEveryKindOfWrite() {
    kvs.put("w", write("one"));
    assertEquals("one", record(kvs.get("w"), "w").getString("value"));
    kvs.put("w", write("two"));
    assertEquals("two", record(kvs.get("w"), "w").getString("value"));
    kvs.delete("w");
    assertEquals(404, kvs.get("w").statusCode());
  }

  @Test
  void theCacheMetricsAreAbsent() {
    assertEquals(null, kvs.registry.find("cache.gets").meter(), "no cache, no cache meters");
  }
}
