package dev.kvs.access;

import dev.kvs.notify.NotificationListener;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.function.Consumer;

/**
 * Tells every replica, through PostgreSQL NOTIFY, to forget what it caches about a revoked token
 * or a changed or deleted namespace. One message per change, sent at once (admin calls are rare),
 * so a revocation takes effect everywhere within milliseconds; the cache TTL bounds it should a
 * message be lost, and a replica whose listening connection drops clears everything.
 */
final class AccessNotices {
  static final String CHANNEL = "kvs_access";
  private static final String NOTIFY = "SELECT pg_notify('" + CHANNEL + "', $1)";
  private static final String TOKEN = "token ";
  private static final String NAMESPACE = "ns ";

  private final Pool pool;

  AccessNotices(Pool pool) {
    this.pool = pool;
  }

  Future<Void> tokenRevoked(byte[] hash) {
    return send(TOKEN + TokenSecrets.hex(hash));
  }

  Future<Void> namespaceChanged(String ns) {
    return send(NAMESPACE + ns);
  }

  private Future<Void> send(String payload) {
    return pool.preparedQuery(NOTIFY).execute(Tuple.of(payload)).mapEmpty();
  }

  /** Receives the messages: {@code token} gets the hex hash of a revoked token, {@code namespace} a namespace's name. */
  static NotificationListener.Subscriber subscriber(Consumer<String> token, Consumer<String> namespace, Runnable reset) {
    return NotificationListener.Subscriber.of(CHANNEL, payload -> {
      if (payload.startsWith(TOKEN)) {
        token.accept(payload.substring(TOKEN.length()));
      } else if (payload.startsWith(NAMESPACE)) {
        namespace.accept(payload.substring(NAMESPACE.length()));
      }
    }, reset);
  }
}
