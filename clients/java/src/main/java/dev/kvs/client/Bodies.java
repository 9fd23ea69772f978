package dev.kvs.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * The request bodies both transports send: the event bus adds {@code ns} (and {@code key}) to
 * them, HTTP puts those in the URL. One place, so the two clients cannot drift apart.
 */
final class Bodies {
  private Bodies() {}

  /** {@code value} and the write's options, added to {@code body}. */
  static JsonObject value(JsonObject body, Object value, WriteOptions options) {
    body.put("value", Objects.requireNonNull(value, "value"));
    return options == null ? body : options.addTo(body);
  }

  /** The condition of a checkAndWrite, added to {@code body}. */
  static JsonObject condition(JsonObject body, Operator operator, long unixtimeMs) {
    return body.put("operator", Objects.requireNonNull(operator, "operator").symbol()).put("unixtimeMs", unixtimeMs);
  }

  /** {@code {"keys": [...]}} of the bulk get and bulk delete. */
  static JsonObject keys(JsonObject body, List<String> keys) {
    return body.put("keys", new JsonArray(List.copyOf(keys)));
  }

  /** {@code {"items": [{"key", "value", ...}]}} of the bulk write. */
  static JsonObject items(JsonObject body, List<KvsWrite> items) {
    JsonArray array = new JsonArray();
    for (KvsWrite item : items) {
      array.add(value(new JsonObject().put("key", item.key()), item.value(), item.options()));
    }
    return body.put("items", array);
  }
}
