package dev.kvs.access;

import dev.kvs.config.AuthConfig;
import dev.kvs.notify.NotificationListener;
import dev.kvs.service.DatabaseFailures;
import dev.kvs.service.Identifiers;
import dev.kvs.service.KvsException;
import dev.kvs.store.TokenStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.function.Consumer;

/**
 * The one gate in front of the service, the same for every door: who is calling (401), may they
 * make this call on this namespace (403), does it exist (404 namespace_not_found), is it within its
 * rate (429). Decided from this process's caches: no database query per request.
 *
 * <p>With authentication off every call is allowed and a namespace that does not exist is held to
 * the default limits: a read finds nothing in it, and a valid write creates it ({@link #beforeWrite}).
 */
public final class AccessControl {
  private final boolean enabled;
  private final Authenticator authenticator;
  private final NamespaceDirectory namespaces;
  private final RateLimiter rates = new RateLimiter();
  private final AccessNotices notices;
  private final Consumer<String> forgetRecords;

  /**
   * @param pool where the notices to other replicas are sent from
   * @param forgetRecords drops the cached records of a namespace (the read cache's)
   */
  public AccessControl(AuthConfig config, TokenStore tokens, NamespaceDirectory namespaces, Pool pool,
      Consumer<String> forgetRecords) {
    this.enabled = config.enabled();
    this.authenticator = new Authenticator(tokens, config.adminTokenHash(), config.cacheTtlMs());
    this.namespaces = namespaces;
    this.notices = new AccessNotices(pool);
    this.forgetRecords = forgetRecords;
  }

  public boolean enabled() {
    return enabled;
  }

  public NamespaceDirectory namespaces() {
    return namespaces;
  }

  /**
   * Admits a call on the records of {@code ns} that needs {@code scope} (read or write): the
   * namespace, with the limits its request is held to, or a failed Future with the refusal.
   */
  public Future<Namespace> forData(String authorization, String ns, Scope scope) {
    if (!enabled) {
      try {
        Identifiers.checkNamespace(ns);
      } catch (KvsException e) {
        return Future.failedFuture(e);
      }
      return namespaces.find(ns).map(n -> withinRate(n != null ? n : namespaces.unregistered(ns)))
          .recover(DatabaseFailures::mapped);
    }
    return authenticator.authenticate(authorization).compose(grant -> {
      if (grant.admin()) {
        throw AccessErrors.forbidden("an admin token cannot read or write records: use a token of the namespace");
      }
      if (!ns.equals(grant.namespace())) {
        throw AccessErrors.forbidden("this token is not valid for namespace " + printable(ns));
      }
      if (!grant.scopes().contains(scope)) {
        throw AccessErrors.forbidden("this token has no " + scope.json() + " scope");
      }
      return namespaces.find(ns).map(found -> {
        if (found == null) {
          throw AccessErrors.namespaceNotFound(ns);
        }
        return withinRate(found);
      });
    }).recover(DatabaseFailures::mapped); // a look-up the database could not answer: 503, not 500
  }

  /**
   * Called once a write to {@code ns} has passed validation, before it is made: with authentication
   * off, creates the namespace on its first write (a refused write creates nothing).
   */
  public Future<Void> beforeWrite(Namespace ns) {
    return ns.registered() ? Future.succeededFuture()
        : namespaces.findOrCreate(ns.name()).<Void>mapEmpty().recover(DatabaseFailures::mapped);
  }

  /** Admits a call of the admin API: an admin token, or anyone when authentication is off. */
  public Future<Void> forAdmin(String authorization) {
    if (!enabled) {
      return Future.succeededFuture();
    }
    return authenticator.authenticate(authorization).map(grant -> {
      if (!grant.admin()) {
        throw AccessErrors.forbidden("the admin API needs an admin token");
      }
      return null;
    }).<Void>mapEmpty().recover(DatabaseFailures::mapped);
  }

  private Namespace withinRate(Namespace ns) {
    rates.acquire(ns);
    return ns;
  }

  /** A token was revoked: forgotten here now, on every other replica when the notice arrives. */
  public Future<Void> tokenRevoked(byte[] hash) {
    authenticator.forget(TokenSecrets.hex(hash));
    return notices.tokenRevoked(hash);
  }

  /**
   * A namespace changed or was deleted: its settings, its tokens and its cached records are
   * forgotten here now and on every other replica when the notice arrives.
   */
  public Future<Void> namespaceChanged(String ns) {
    forgetNamespace(ns);
    return notices.namespaceChanged(ns);
  }

  /** What other replicas' notices do here. */
  public NotificationListener.Subscriber subscriber() {
    return AccessNotices.subscriber(authenticator::forget, this::forgetNamespace, () -> {
      authenticator.clear();
      namespaces.clear();
    });
  }

  private void forgetNamespace(String ns) {
    namespaces.forget(ns);
    authenticator.forgetNamespace(ns);
    forgetRecords.accept(ns);
  }

  /** A namespace from a URL, safe to repeat in a message: anything but [a-z0-9_-] is shown as '?'. */
  private static String printable(String ns) {
    String shown = ns.length() > 63 ? ns.substring(0, 63) + "..." : ns;
    return shown.replaceAll("[^a-z0-9_.-]", "?");
  }
}
