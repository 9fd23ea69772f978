package dev.kvs.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Whether, and after how long, a refused HTTP call is tried again (see {@link KvsHttpClientOptions}
 * for the rules). It only decides; {@link KvsHttpClient} waits and sends.
 */
final class RetryPolicy {
  /** Not to be retried. */
  static final long NO_RETRY = -1;

  private final int maxRetries;
  private final long backoffMs;
  private final long maxDelayMs;
  private final boolean conditionalWritesOn503;

  RetryPolicy(int maxRetries, Duration backoff, Duration maxDelay, boolean conditionalWritesOn503) {
    this.maxRetries = maxRetries;
    this.backoffMs = backoff.toMillis();
    this.maxDelayMs = maxDelay.toMillis();
    this.conditionalWritesOn503 = conditionalWritesOn503;
  }

  /**
   * The wait in ms before retrying a try that ended with {@code status} (an HTTP status, or the
   * one a transport failure maps to), or {@link #NO_RETRY}.
   *
   * @param retryAfter the answer's {@code Retry-After} header, or null
   * @param conditional whether the call is a conditional write
   * @param retriesDone how many retries this call has had already
   */
  long delayMs(int status, String retryAfter, boolean conditional, int retriesDone) {
    if (retriesDone >= maxRetries || !retries(status, conditional)) {
      return NO_RETRY;
    }
    long asked = retryAfterMs(retryAfter, Instant.now());
    if (asked >= 0) {
      // Sooner than the server said would only be refused again; longer than the caller allows is its call.
      return asked <= maxDelayMs ? asked : NO_RETRY;
    }
    long exponential = backoffMs << Math.min(retriesDone, 20);
    long capped = Math.min(maxDelayMs, exponential);
    // Half fixed, half random: clients refused together do not all come back at the same instant.
    return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
  }

  private boolean retries(int status, boolean conditional) {
    return switch (status) {
      // Refused at admission, before the body is read: nothing was written, whatever the call.
      case 429 -> true;
      // The database (or the connection) failed: a write may or may not have been applied.
      case 503 -> !conditional || conditionalWritesOn503;
      default -> false;
    };
  }

  /** {@code Retry-After} in ms from {@code now}: delta-seconds or an HTTP date; -1 when absent or unreadable. */
  static long retryAfterMs(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return -1;
    }
    String value = header.trim();
    try {
      long seconds = Long.parseLong(value);
      return seconds < 0 ? -1 : Math.multiplyExact(Math.min(seconds, Long.MAX_VALUE / 1000), 1000L);
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return Math.max(0, Duration.between(now, at).toMillis());
      } catch (DateTimeParseException notADate) {
        return -1;
      }
    }
  }
}
