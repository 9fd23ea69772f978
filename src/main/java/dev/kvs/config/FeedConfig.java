package dev.kvs.config;

/**
 * The change feed: every committed change is logged (in the statement that makes it) and published
 * on {@code kvs.changes.{ns}}; the log is what a consumer that was away catches up from.
 *
 * @param retentionMinutes how long a change stays in the log: a consumer away longer must re-list
 * @param pollIntervalMs the longest the publisher waits before looking for new changes when no
 *     notification has told it of any
 */
public record FeedConfig(long retentionMinutes, long pollIntervalMs) {
  static FeedConfig fromEnv(EnvReader in) {
    return new FeedConfig(
        in.longValue("KVS_CHANGES_RETENTION_MINUTES", 60, 1, 525_600),
        in.longValue("KVS_CHANGES_POLL_INTERVAL_MS", 200, 1, 60_000));
  }
}
