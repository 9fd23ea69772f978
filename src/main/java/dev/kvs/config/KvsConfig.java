package dev.kvs.config;

import java.util.Map;
import java.util.Set;

/**
 * Every setting of the service, read once from the environment (twelve-factor) and validated,
 * so that a typo fails the start instead of a request.
 */
public record KvsConfig(
    HttpConfig http,
    DatabaseConfig database,
    RecordLimits limits,
    PurgeConfig purge,
    CacheConfig cache,
    AuthConfig auth,
    ClusterConfig cluster,
    FeedConfig feed,
    BatchConfig batch,
    long shutdownGraceMs,
    int retryAfterSeconds) {

  public record RecordLimits(int defaultTtlMinutes, long maxTtlMinutes, int maxValueBytes, int maxMetadataBytes) {}

  /**
   * The purge: a run every {@code intervalMs}, batches of {@code batchSize} rows while they come
   * back full, for at most {@code maxRunMs}.
   */
  public record PurgeConfig(boolean enabled, long intervalMs, int batchSize, long maxRunMs) {}

  /**
   * The read cache: entries live at most {@code ttlMs} (the bound on staleness when a change
   * notification is lost); changes are announced to other replicas every {@code notifyIntervalMs}.
   */
  public record CacheConfig(boolean enabled, long maxEntries, long ttlMs, long notifyIntervalMs) {}

  /**
   * Statement sharing: concurrent single-record GETs, PUTs, conditional PUTs and DELETEs go out
   * together, one statement per kind and at most {@code maxKeys} records in one, while
   * {@code maxInFlight} statements of that kind are already running (never more than the pool
   * has connections).
   */
  public record BatchConfig(boolean enabled, int maxKeys, int maxInFlight) {
    /**
     * Two statements per core: PostgreSQL runs about one statement per core at a time, so more in
     * flight only cut the same work into smaller batches, each with its own round trip, executor
     * start-up and (for writes) commit. Measured on 2 cores, 64 connections: 4 in flight serve
     * 1.3x the GETs and 1.5x the PUTs of 16, at a lower p99; 2 serve as many as 4.
     */
    static int defaultMaxInFlight(int cores) {
      return Math.max(2, 2 * cores);
    }

    /** Statements of one kind in flight with a pool of {@code poolSize}: more would only queue in the pool. */
    public int inFlight(int poolSize) {
      return Math.min(poolSize, maxInFlight);
    }
  }

  public static KvsConfig fromEnv() {
    return fromEnv(System.getenv());
  }

  public static KvsConfig fromEnv(Map<String, String> env) {
    EnvReader in = new EnvReader(env);
    // Read by logback.xml, which would quietly fall back to DEBUG on a typo: refuse it here instead.
    in.oneOf("KVS_LOG_LEVEL", "INFO", Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF"));
    RecordLimits limits = new RecordLimits(
        in.intValue("KVS_TTL_DEFAULT_MINUTES", 1_440, 1, Integer.MAX_VALUE),
        in.longValue("KVS_TTL_MAX_MINUTES", 44_640, 1, ApiLimits.TTL_MINUTES_CEILING),
        in.intValue("KVS_MAX_VALUE_BYTES", 1_024, 1, 16 * 1024 * 1024),
        in.intValue("KVS_MAX_METADATA_BYTES", 1_024, 1, 64 * 1024));
    if (limits.defaultTtlMinutes() > limits.maxTtlMinutes()) {
      throw new IllegalArgumentException("KVS_TTL_DEFAULT_MINUTES (" + limits.defaultTtlMinutes()
          + ") is above KVS_TTL_MAX_MINUTES (" + limits.maxTtlMinutes() + ")");
    }
    return new KvsConfig(
        HttpConfig.fromEnv(in, limits),
        DatabaseConfig.fromEnv(in),
        limits,
        new PurgeConfig(
            in.bool("KVS_PURGE_ENABLED", true),
            in.longValue("KVS_PURGE_INTERVAL_MS", 60_000, 10, 86_400_000L),
            in.intValue("KVS_PURGE_BATCH_SIZE", 1_000, 1, 100_000),
            in.longValue("KVS_PURGE_MAX_RUN_MS", 50_000, 100, 86_400_000L)),
        new CacheConfig(
            in.bool("KVS_CACHE_ENABLED", true),
            in.longValue("KVS_CACHE_MAX_ENTRIES", 100_000, 1, 100_000_000),
            in.longValue("KVS_CACHE_TTL_MS", 2_000, 1, 3_600_000),
            in.longValue("KVS_CACHE_NOTIFY_INTERVAL_MS", 5, 1, 10_000)),
        AuthConfig.fromEnv(in),
        ClusterConfig.fromEnv(in),
        FeedConfig.fromEnv(in),
        new BatchConfig(in.bool("KVS_BATCH_ENABLED", true), in.intValue("KVS_BATCH_MAX_KEYS", 100, 2, 1_000),
            in.intValue("KVS_BATCH_MAX_IN_FLIGHT",
                BatchConfig.defaultMaxInFlight(Runtime.getRuntime().availableProcessors()), 1, 1_000)),
        in.longValue("KVS_SHUTDOWN_GRACE_MS", 10_000, 0, 600_000),
        in.intValue("KVS_RETRY_AFTER_SECONDS", 1, 1, 3_600));
  }
}
