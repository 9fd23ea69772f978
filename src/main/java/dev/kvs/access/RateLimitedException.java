package dev.kvs.access;

import dev.kvs.service.KvsException;

/** 429: the namespace is over its request rate; {@code retryAfterSeconds} until a request fits again. */
public final class RateLimitedException extends KvsException {
  private final long retryAfterSeconds;

  RateLimitedException(String ns, int requestsPerSecond, long retryAfterSeconds) {
    super(429, "rate_limited", "namespace " + ns + " is over its rate of " + requestsPerSecond + " requests per second");
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
