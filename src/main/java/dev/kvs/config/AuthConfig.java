package dev.kvs.config;

import dev.kvs.access.TokenSecrets;

/**
 * Authentication. On unless {@code KVS_AUTH=off}; the first admin token comes from
 * {@code KVS_ADMIN_TOKEN} and only its SHA-256 is kept.
 *
 * @param adminTokenHash SHA-256 of KVS_ADMIN_TOKEN, or null when it is not set
 * @param cacheTtlMs longest time a token or namespace is trusted from this process's cache: the
 *     bound on a revocation whose notification was lost
 * @param defaultRequestsPerSecond the rate of a namespace that sets none (0: unlimited)
 */
public record AuthConfig(boolean enabled, byte[] adminTokenHash, long cacheTtlMs, int defaultRequestsPerSecond) {
  /** Shorter admin tokens are refused: 32 characters of base64 carry 192 bits. */
  public static final int MIN_ADMIN_TOKEN_CHARS = 32;

  static AuthConfig fromEnv(EnvReader in) {
    boolean enabled = in.bool("KVS_AUTH", true);
    String admin = in.stringOrNull("KVS_ADMIN_TOKEN");
    if (admin != null && (admin.length() < MIN_ADMIN_TOKEN_CHARS || !TokenSecrets.wellFormed(admin))) {
      // The value itself is never repeated: it is a secret.
      throw new IllegalArgumentException("KVS_ADMIN_TOKEN must be at least " + MIN_ADMIN_TOKEN_CHARS
          + " characters of A-Z a-z 0-9 - . _ ~ + / (make one with: " + TokenSecrets.EXPORT_NEW_ADMIN_TOKEN + ")");
    }
    return new AuthConfig(enabled,
        admin == null ? null : TokenSecrets.hash(admin),
        in.longValue("KVS_AUTH_CACHE_TTL_MS", 30_000, 100, 3_600_000),
        in.intValue("KVS_DEFAULT_REQUESTS_PER_SECOND", 0, 0, 10_000_000));
  }
}
