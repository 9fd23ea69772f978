package dev.kvs.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachedLookupTest {

  @Test
  void anAbsentAnswerIsRememberedAndAFloodOfThemStaysWithinTheBound() {
    AtomicInteger loads = new AtomicInteger();
    CachedLookup<String, String> lookup = new CachedLookup<>(1_000, 60_000, key -> {
      loads.incrementAndGet();
      return Future.succeededFuture(null);
    });
    assertNull(lookup.get("unknown").result());
    assertNull(lookup.get("unknown").result());
    assertEquals(1, loads.get(), "the absence is cached: one load for two look-ups");

    for (int i = 0; i < 20_000; i++) {
      assertNull(lookup.get("made-up-" + i).result());
    }
    assertTrue(lookup.size() <= 1_000, "held " + lookup.size() + " entries, bound 1,000");
  }
}
