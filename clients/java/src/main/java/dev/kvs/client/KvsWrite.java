package dev.kvs.client;

import java.util.Objects;

/**
 * One item of a {@link KvsClient#bulkWrite}.
 *
 * @param key the key
 * @param value the value: a JsonObject, JsonArray, String, Number or Boolean
 * @param options its expiry and metadata, or null for the defaults
 */
public record KvsWrite(String key, Object value, WriteOptions options) {
  public KvsWrite {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  public static KvsWrite of(String key, Object value) {
    return new KvsWrite(key, value, null);
  }

  public static KvsWrite of(String key, Object value, WriteOptions options) {
    return new KvsWrite(key, value, options);
  }
}
