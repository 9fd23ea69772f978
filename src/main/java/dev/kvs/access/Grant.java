package dev.kvs.access;

import java.util.Set;

/**
 * What a token grants, as stored (never its secret).
 *
 * @param namespace the namespace of a data token; null for an admin token
 * @param expiresAtMs unix milliseconds after which the token stops working, or null
 */
public record Grant(String id, String namespace, Set<Scope> scopes, Long expiresAtMs) {
  public boolean admin() {
    return scopes.contains(Scope.ADMIN);
  }

  boolean expiredAt(long nowMs) {
    return expiresAtMs != null && nowMs >= expiresAtMs;
  }
}
