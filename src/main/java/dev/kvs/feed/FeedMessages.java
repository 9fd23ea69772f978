package dev.kvs.feed;

import dev.kvs.json.IsoTime;
import dev.kvs.store.LoggedChange;
import io.vertx.core.json.JsonObject;

/** The change feed's message, on the bus and in a catch-up page alike. */
public final class FeedMessages {
  /** Changes of namespace {@code ns} are published on {@code ADDRESS_PREFIX + ns}. */
  public static final String ADDRESS_PREFIX = "kvs.changes.";

  private FeedMessages() {}

  /** {"op": .., "key": .., "created_at": .., "expired_at": .., "cursor": ..}. */
  public static JsonObject json(LoggedChange change) {
    return new JsonObject()
        .put("op", change.op())
        .put("key", change.key())
        .put("created_at", IsoTime.format(change.createdAtMs()))
        .put("expired_at", IsoTime.format(change.expiredAtMs()))
        .put("cursor", change.cursor().encode());
  }
}
