package dev.kvs.access;

import dev.kvs.config.KvsConfig.RecordLimits;
import dev.kvs.store.NamespaceRow;

/**
 * A namespace with its limits in force: its own where it sets them, the server's defaults elsewhere.
 *
 * @param requestsPerSecond 0: unlimited
 * @param registered false for a namespace that does not exist, which a call with authentication
 *     off may use all the same (held to the default limits)
 */
public record Namespace(String name, RecordLimits limits, int requestsPerSecond, long createdAtMs, boolean registered) {

  /** The limits in force for {@code row}, with {@code defaults} for what it leaves unset. */
  public static Namespace of(NamespaceRow row, RecordLimits defaults, int defaultRequestsPerSecond) {
    long maxTtl = row.maxTtlMinutes() != null ? row.maxTtlMinutes() : defaults.maxTtlMinutes();
    RecordLimits limits = new RecordLimits(
        (int) Math.min(defaults.defaultTtlMinutes(), maxTtl),
        maxTtl,
        row.maxValueBytes() != null ? row.maxValueBytes() : defaults.maxValueBytes(),
        row.maxMetadataBytes() != null ? row.maxMetadataBytes() : defaults.maxMetadataBytes());
    int rate = row.requestsPerSecond() != null ? row.requestsPerSecond() : defaultRequestsPerSecond;
    return new Namespace(row.name(), limits, rate, row.createdAtMs(), true);
  }
}
