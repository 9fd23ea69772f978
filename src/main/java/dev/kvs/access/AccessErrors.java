package dev.kvs.access;

import dev.kvs.service.KvsException;

/** The refusals of API.md's Security section. Their messages never repeat a token. */
public final class AccessErrors {
  private AccessErrors() {}

  /** 401: no usable credentials (missing, malformed, unknown, revoked or expired token). */
  public static KvsException unauthorized(String message) {
    return new KvsException(401, "unauthorized", message);
  }

  /** 403: a valid token that does not allow this call. */
  public static KvsException forbidden(String message) {
    return new KvsException(403, "forbidden", message);
  }

  public static KvsException namespaceNotFound(String ns) {
    return new KvsException(404, "namespace_not_found", "namespace " + ns + " does not exist");
  }
}
