package dev.kvs.client;

import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;

/** A live subscription to a namespace's change feed ({@link KvsClient#changes}). */
public final class KvsSubscription {
  private final MessageConsumer<Object> consumer;

  KvsSubscription(MessageConsumer<Object> consumer) {
    this.consumer = consumer;
  }

  /** The event bus address it listens on: {@code kvs.changes.<namespace>}. */
  public String address() {
    return consumer.address();
  }

  /**
   * Completes once the subscription is registered; in a cluster, once every member knows of it.
   * Changes published before that may not reach it.
   */
  public Future<Void> ready() {
    return consumer.completion();
  }

  /** Stops the subscription: the handler gets no change after this completes. */
  public Future<Void> unregister() {
    return consumer.unregister();
  }
}
