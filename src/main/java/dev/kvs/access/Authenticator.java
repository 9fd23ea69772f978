package dev.kvs.access;

import dev.kvs.store.TokenStore;
import io.vertx.core.Future;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;

/**
 * Who is calling: the grant of the bearer token of a request, or a 401. The secret is hashed once
 * and looked up by its hash, in this process's cache before the database; the final comparison is
 * constant-time ({@link MessageDigest#isEqual}), so response times say nothing about a secret.
 * Only a value of the shape of an issued secret is looked up: anything else costs no query and
 * takes no room in the cache.
 */
final class Authenticator {
  /** The grant of KVS_ADMIN_TOKEN: an admin token that is not stored (rotate it by changing the variable). */
  static final Grant ENV_ADMIN = new Grant("env:KVS_ADMIN_TOKEN", null, EnumSet.of(Scope.ADMIN), null);
  /**
   * Tokens whose grant (or absence) this process remembers. Unknown tokens take an entry each, so
   * that one costs at most a query per cache TTL; the bound keeps a flood of made-up ones from
   * growing it past this (they then evict each other, and known tokens, at a query each).
   */
  static final int MAX_CACHED_TOKENS = 100_000;

  private record Found(Grant grant, byte[] hash) {}

  private final byte[] adminTokenHash;
  private final CachedLookup<String, Found> grants;

  /** @param adminTokenHash SHA-256 of KVS_ADMIN_TOKEN, or null */
  Authenticator(TokenStore tokens, byte[] adminTokenHash, long cacheTtlMs) {
    this.adminTokenHash = adminTokenHash;
    this.grants = new CachedLookup<>(MAX_CACHED_TOKENS, cacheTtlMs, hex -> {
      byte[] hash = HexFormat.of().parseHex(hex);
      return tokens.findByHash(hash).map(grant -> grant == null ? null : new Found(grant, hash));
    });
  }

  /** The grant of the request's {@code Authorization} header; fails with 401 when there is none that works. */
  Future<Grant> authenticate(String authorization) {
    String token = TokenSecrets.bearer(authorization);
    if (token == null) {
      return Future.failedFuture(AccessErrors.unauthorized(authorization == null
          ? "this call needs a token: Authorization: Bearer <token>"
          : "the Authorization header must be: Bearer <token>"));
    }
    byte[] hash = TokenSecrets.hash(token);
    if (adminTokenHash != null && MessageDigest.isEqual(hash, adminTokenHash)) {
      return Future.succeededFuture(ENV_ADMIN);
    }
    if (!TokenSecrets.hasIssuedShape(token)) {
      // Not KVS_ADMIN_TOKEN, and no stored token has this shape: nothing to look up.
      return Future.failedFuture(AccessErrors.unauthorized("unknown or revoked token"));
    }
    return grants.get(TokenSecrets.hex(hash)).map(found -> {
      if (found == null || !MessageDigest.isEqual(found.hash(), hash)) {
        throw AccessErrors.unauthorized("unknown or revoked token");
      }
      if (found.grant().expiredAt(System.currentTimeMillis())) {
        throw AccessErrors.unauthorized("the token has expired");
      }
      return found.grant();
    });
  }

  /** A revoked token, by the hex of its hash: forgotten here (other replicas hear of it by notification). */
  void forget(String hashHex) {
    grants.invalidate(hashHex);
  }

  /** The tokens of a deleted namespace. */
  void forgetNamespace(String ns) {
    grants.invalidateValues(found -> ns.equals(found.grant().namespace()));
  }

  void clear() {
    grants.clear();
  }
}
