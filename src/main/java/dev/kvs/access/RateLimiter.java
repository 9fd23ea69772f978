package dev.kvs.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;

/**
 * Per-namespace request rates, one token bucket (Bucket4j) per namespace and per replica: a bucket
 * holds one second of the rate, so a burst of up to a second's worth passes at once. Counting per
 * replica costs nothing per request; a cluster-wide count would cost a database round trip (or
 * another shared store) per request, the very load the limit is there to bound. With N replicas a
 * namespace may so reach N times its rate: set it with the replica count in mind.
 */
final class RateLimiter {
  private record Limited(int requestsPerSecond, Bucket bucket) {}

  /** Buckets idle for a minute are full anyway: dropping them loses nothing and bounds memory. */
  private final Cache<String, Limited> buckets = Caffeine.newBuilder()
      .expireAfterAccess(Duration.ofMinutes(1))
      .maximumSize(1_000_000)
      .build();

  /** Takes one request from the namespace's rate, or fails with 429 and the seconds until one fits. */
  void acquire(Namespace ns) {
    int rate = ns.requestsPerSecond();
    if (rate <= 0) {
      return;
    }
    Limited limited = buckets.asMap().compute(ns.name(),
        (name, current) -> current != null && current.requestsPerSecond() == rate ? current : newBucket(rate));
    ConsumptionProbe probe = limited.bucket().tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
      throw new RateLimitedException(ns.name(), rate, seconds);
    }
  }

  private static Limited newBucket(int rate) {
    Bucket bucket = Bucket.builder()
        .addLimit(limit -> limit.capacity(rate).refillGreedy(rate, Duration.ofSeconds(1)))
        .build();
    return new Limited(rate, bucket);
  }
}
