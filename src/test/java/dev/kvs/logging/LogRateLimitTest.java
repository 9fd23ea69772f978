package dev.kvs.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogRateLimitTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final LogRateLimit limit = new LogRateLimit(10, TimeUnit.SECONDS, now::get);

  @Test
  void oneLinePerIntervalAndTheNextOneSaysHowManyWereHeldBack() {
    assertEquals("", limit.permit(), "the first line is logged");
    for (int i = 0; i < 5; i++) {
      assertNull(limit.permit(), "held back within the interval");
    }
    now.addAndGet(TimeUnit.SECONDS.toNanos(9));
    assertNull(limit.permit());
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertEquals(" (6 more like it not logged since the last one)", limit.permit());
    assertNull(limit.permit());
    now.addAndGet(TimeUnit.SECONDS.toNanos(10));
    assertEquals(" (1 more like it not logged since the last one)", limit.permit());
    now.addAndGet(TimeUnit.SECONDS.toNanos(10));
    assertEquals("", limit.permit(), "nothing held back: nothing to say");
  }
}
