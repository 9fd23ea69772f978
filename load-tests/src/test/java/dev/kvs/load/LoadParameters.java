package dev.kvs.load;

import java.time.Duration;

/**
 * What every simulation can be tuned with, as Java system properties on the Maven command line
 * ({@code -DbaseUrl=... -Dusers=...}); simulation-specific ones live in their simulation.
 */
final class LoadParameters {
  /** The service under test; any reachable KVS will do. */
  static final String BASE_URL = System.getProperty("baseUrl", "http://localhost:8080");
  /** The namespace the load runs in; keep it apart from real data. */
  static final String NAMESPACE = System.getProperty("ns", "load");
  /** A token of the namespace with read and write scopes ({@code -Dtoken=kvs_...}); none for a KVS with KVS_AUTH=off. */
  static final String TOKEN = System.getProperty("token", "");
  /** Concurrent virtual users; each holds one keep-alive connection, like wrk's -c. */
  static final int USERS = Integer.getInteger("users", 64);
  static final Duration RAMP = Duration.ofSeconds(Long.getLong("rampSeconds", 2));
  static final Duration DURATION = Duration.ofSeconds(Long.getLong("durationSeconds", 30));
  /** false skips writing the records a simulation reads, when a previous run left them. */
  static final boolean SEED = Boolean.parseBoolean(System.getProperty("seed", "true"));

  // Assertions: a run whose numbers are worse than these fails, so CI or a user can gate on them.
  static final double MAX_ERROR_PERCENT = Double.parseDouble(System.getProperty("maxErrorPercent", "1"));
  static final int MAX_P95_MS = Integer.getInteger("p95Ms", 250);
  static final int MAX_P99_MS = Integer.getInteger("p99Ms", 1000);

  private LoadParameters() {}
}
