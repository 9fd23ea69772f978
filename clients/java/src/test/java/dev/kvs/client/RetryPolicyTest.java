package dev.kvs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which refusals are retried, and after how long. */
class RetryPolicyTest {
  private final RetryPolicy policy = new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(5), false);

  @Test
  void rateLimitedIsRetriedAfterRetryAfterForEveryCallConditionalWritesToo() {
    assertEquals(2_000, policy.delayMs(429, "2", false, 0));
    assertEquals(2_000, policy.delayMs(429, "2", true, 0), "a 429 comes before the body is read: nothing was written");
  }

  @Test
  void unavailableIsRetriedButNotForAConditionalWriteUnlessAsked() {
    assertEquals(1_000, policy.delayMs(503, "1", false, 0));
    assertEquals(RetryPolicy.NO_RETRY, policy.delayMs(503, "1", true, 0));
    RetryPolicy asked = new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(5), true);
    assertEquals(1_000, asked.delayMs(503, "1", true, 0));
  }

  @Test
  void otherStatusesAreNeverRetried() {
    for (int status : new int[] {200, 400, 401, 403, 404, 409, 410, 413, 500, 502, 504}) {
      assertEquals(RetryPolicy.NO_RETRY, policy.delayMs(status, "1", false, 0), "status " + status);
    }
  }

  @Test
  void retriesStopAtTheMaximum() {
    assertEquals(1_000, policy.delayMs(429, "1", false, 1));
    assertEquals(RetryPolicy.NO_RETRY, policy.delayMs(429, "1", false, 2));
    RetryPolicy none = new RetryPolicy(0, Duration.ofMillis(100), Duration.ofSeconds(5), true);
    assertEquals(RetryPolicy.NO_RETRY, none.delayMs(429, "1", false, 0));
  }

  @Test
  void aRetryAfterBeyondTheMaximumDelayFailsAtOnceRatherThanRetryingTooEarly() {
    assertEquals(RetryPolicy.NO_RETRY, policy.delayMs(429, "60", false, 0));
  }

  @Test
  void withoutRetryAfterTheBackoffDoublesWithJitterUpToTheMaximum() {
    for (int i = 0; i < 50; i++) {
      long first = policy.delayMs(503, null, false, 0);
      long second = policy.delayMs(503, null, false, 1);
      assertTrue(first >= 50 && first <= 100, "first " + first);
      assertTrue(second >= 100 && second <= 200, "second " + second);
    }
    RetryPolicy many = new RetryPolicy(40, Duration.ofMillis(100), Duration.ofSeconds(5), false);
    long late = many.delayMs(503, "soon", false, 30);
    assertTrue(late >= 2_500 && late <= 5_000, "capped: " + late);
  }

  @Test
  void retryAfterIsSecondsOrAnHttpDate() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    assertEquals(3_000, RetryPolicy.retryAfterMs(" 3 ", now));
    assertEquals(0, RetryPolicy.retryAfterMs("0", now));
    assertEquals(90_000, RetryPolicy.retryAfterMs("Thu, 01 Jan 2026 00:01:30 GMT", now));
    assertEquals(0, RetryPolicy.retryAfterMs("Wed, 31 Dec 2025 23:00:00 GMT", now), "a date past is now");
    assertEquals(-1, RetryPolicy.retryAfterMs(null, now));
    assertEquals(-1, RetryPolicy.retryAfterMs("-5", now));
    assertEquals(-1, RetryPolicy.retryAfterMs("later", now));
  }
}
