package dev.kvs.config;

import java.util.Map;
import java.util.Set;

/**
 * Every setting of the service, read once from the environment (twelve-factor) and validated,
 * so that a typo fails the start instead of a request.
 */
public record KvsConfig(
    String httpHost,
    int httpPort,
    int httpInstances,
    int maxBodyBytes,
    int maxBulkBodyBytes,
    DatabaseConfig database,
    RecordLimits limits,
    PurgeConfig purge,
    CacheConfig cache,
    long shutdownGraceMs,
    int retryAfterSeconds) {

  /** Largest TTL a namespace may ever be configured with: 1,000 years (API.md). */
  public static final long TTL_MINUTES_CEILING = 525_600_000L;
  /** API.md's fixed limits, here because the body limits are derived from them. */
  public static final int MAX_KEY_BYTES = 512;
  public static final int MAX_BULK_WRITE_ITEMS = 1_000;

  public record RecordLimits(int defaultTtlMinutes, long maxTtlMinutes, int maxValueBytes, int maxMetadataBytes) {}

  public record PurgeConfig(boolean enabled, long intervalMs, int batchSize, int maxBatchesPerRun) {}

  /**
   * The read cache: entries live at most {@code ttlMs} (the bound on staleness when a change
   * notification is lost); changes are announced to other replicas every {@code notifyIntervalMs}.
   */
  public record CacheConfig(boolean enabled, long maxEntries, long ttlMs, long notifyIntervalMs) {}

  public static KvsConfig fromEnv() {
    return fromEnv(System.getenv());
  }

  public static KvsConfig fromEnv(Map<String, String> env) {
    EnvReader in = new EnvReader(env);
    // Read by logback.xml, which would quietly fall back to DEBUG on a typo: refuse it here instead.
    in.oneOf("KVS_LOG_LEVEL", "INFO", Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF"));
    int cores = Runtime.getRuntime().availableProcessors();
    RecordLimits limits = new RecordLimits(
        in.intValue("KVS_TTL_DEFAULT_MINUTES", 1_440, 1, Integer.MAX_VALUE),
        in.longValue("KVS_TTL_MAX_MINUTES", 44_640, 1, TTL_MINUTES_CEILING),
        in.intValue("KVS_MAX_VALUE_BYTES", 1_024, 1, 16 * 1024 * 1024),
        in.intValue("KVS_MAX_METADATA_BYTES", 1_024, 1, 64 * 1024));
    if (limits.defaultTtlMinutes() > limits.maxTtlMinutes()) {
      throw new IllegalArgumentException("KVS_TTL_DEFAULT_MINUTES (" + limits.defaultTtlMinutes()
          + ") is above KVS_TTL_MAX_MINUTES (" + limits.maxTtlMinutes() + ")");
    }
    // A body must fit a value at its limit, fully \\u-escaped in the worst case, plus metadata.
    int minimumBody = limits.maxValueBytes() * 6 + limits.maxMetadataBytes() * 6 + 1024;
    return new KvsConfig(
        in.string("KVS_HTTP_HOST", "0.0.0.0"),
        in.intValue("KVS_HTTP_PORT", 8080, 0, 65_535),
        in.intValue("KVS_HTTP_INSTANCES", cores, 1, 256),
        in.intValue("KVS_MAX_BODY_BYTES", Math.max(64 * 1024, minimumBody), 1024, 256 * 1024 * 1024),
        // 1,000 items at the single-write worst case plus their escaped keys: any legal bulk write fits.
        in.intValue("KVS_MAX_BULK_BODY_BYTES",
            Math.max(8 * 1024 * 1024, MAX_BULK_WRITE_ITEMS * (minimumBody + 2 * MAX_KEY_BYTES)), 1024, 1024 * 1024 * 1024),
        DatabaseConfig.fromEnv(in),
        limits,
        new PurgeConfig(
            in.bool("KVS_PURGE_ENABLED", true),
            in.longValue("KVS_PURGE_INTERVAL_MS", 60_000, 10, 86_400_000L),
            in.intValue("KVS_PURGE_BATCH_SIZE", 1_000, 1, 100_000),
            in.intValue("KVS_PURGE_MAX_BATCHES", 100, 1, 1_000_000)),
        new CacheConfig(
            in.bool("KVS_CACHE_ENABLED", true),
            in.longValue("KVS_CACHE_MAX_ENTRIES", 100_000, 1, 100_000_000),
            in.longValue("KVS_CACHE_TTL_MS", 2_000, 1, 3_600_000),
            in.longValue("KVS_CACHE_NOTIFY_INTERVAL_MS", 5, 1, 10_000)),
        in.longValue("KVS_SHUTDOWN_GRACE_MS", 10_000, 0, 600_000),
        in.intValue("KVS_RETRY_AFTER_SECONDS", 1, 1, 3_600));
  }
}
