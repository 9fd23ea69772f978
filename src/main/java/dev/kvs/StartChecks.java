package dev.kvs;

import dev.kvs.access.TokenSecrets;
import dev.kvs.config.AuthConfig;
import dev.kvs.store.TokenStore;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What must hold before KVS serves, each refusal saying exactly what to do. */
final class StartChecks {
  private static final Logger LOG = LoggerFactory.getLogger(StartChecks.class);

  /** A start that must not go on; its message is shown as it is, without a stack trace. */
  static final class StartRefused extends RuntimeException {
    StartRefused(String message) {
      super(message, null, false, false);
    }
  }

  private StartChecks() {}

  /**
   * With authentication on, someone must be able to administer KVS: KVS_ADMIN_TOKEN is set or an
   * admin token is stored. With it off, says so loudly: anyone who reaches the port can do anything.
   */
  static Future<Void> adminAccess(AuthConfig auth, TokenStore tokens) {
    if (!auth.enabled()) {
      String line = "*".repeat(78);
      LOG.warn(line);
      LOG.warn("KVS_AUTH=off: AUTHENTICATION IS DISABLED. Anyone who can reach this port can read, write and");
      LOG.warn("delete every namespace and use the admin API. For local development only.");
      LOG.warn(line);
      return Future.succeededFuture();
    }
    if (auth.adminTokenHash() != null) {
      return Future.succeededFuture();
    }
    return tokens.anyAdmin().compose(any -> any ? Future.succeededFuture() : Future.failedFuture(new StartRefused(
        "authentication is on and there is no admin token yet. Create one and start again with it:\n"
        + "  " + TokenSecrets.EXPORT_NEW_ADMIN_TOKEN + "\n"
        + "  (at least " + AuthConfig.MIN_ADMIN_TOKEN_CHARS + " characters; keep it secret, e.g. in a Kubernetes Secret)\n"
        + "Then create a namespace and a token for it with the admin API (see README, Quick start).\n"
        + "For local development only, KVS_AUTH=off turns authentication off.")));
  }
}
