package dev.kvs.client;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A live record.
 *
 * @param key the record's key
 * @param value its value as JSON decodes it: a {@link JsonObject}, a {@link io.vertx.core.json.JsonArray},
 *     a {@link String}, a {@link Number} or a {@link Boolean} (never null)
 * @param metadata its metadata, or null when it has none
 * @param createdAt when it was created or last overwritten (the database clock, to the millisecond)
 * @param expiredAt when it expires
 */
public record KvsRecord(String key, Object value, JsonObject metadata, Instant createdAt, Instant expiredAt) {

  /**
   * {@code createdAt} in unix milliseconds: what {@link KvsClient#checkAndWrite} compares with, so
   * {@code checkAndWrite(key, v, Operator.EQ, record.createdAtMillis())} writes only if nobody wrote
   * the key since this record was read.
   */
  public long createdAtMillis() {
    return createdAt.toEpochMilli();
  }
}
