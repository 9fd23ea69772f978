package dev.kvs.client;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The optional parts of a write: its expiry (in minutes from now, or at an instant; neither means
 * the server's default of one day) and its metadata.
 *
 * <pre>{@code new WriteOptions().setMinutesToExpire(60).setMetadata(new JsonObject().put("v", 1))}</pre>
 */
public final class WriteOptions {
  private Integer minutesToExpire;
  private Instant expiresAt;
  private JsonObject metadata;

  public Integer getMinutesToExpire() {
    return minutesToExpire;
  }

  /**
   * The record expires this many minutes from now (1 to the namespace's maximum); null for the default.
   *
   * @throws IllegalStateException when an {@link #setExpiresAt expiry instant} is set: the API takes one or the other
   */
  public WriteOptions setMinutesToExpire(Integer minutesToExpire) {
    if (minutesToExpire != null && expiresAt != null) {
      throw new IllegalStateException("expiresAt is set: a write takes minutesToExpire or expiresAt, not both");
    }
    this.minutesToExpire = minutesToExpire;
    return this;
  }

  public Instant getExpiresAt() {
    return expiresAt;
  }

  /**
   * The record expires at this instant (sent as unix milliseconds; in the future and within the
   * namespace's maximum); null for the default.
   *
   * @throws IllegalStateException when {@link #setMinutesToExpire minutes} are set: the API takes one or the other
   */
  public WriteOptions setExpiresAt(Instant expiresAt) {
    if (expiresAt != null && minutesToExpire != null) {
      throw new IllegalStateException("minutesToExpire is set: a write takes minutesToExpire or expiresAt, not both");
    }
    this.expiresAt = expiresAt;
    return this;
  }

  public JsonObject getMetadata() {
    return metadata;
  }

  /** The record's metadata (a JSON object, returned by get and list); null for none. */
  public WriteOptions setMetadata(JsonObject metadata) {
    this.metadata = metadata;
    return this;
  }

  /** Adds the fields set here to a request body. */
  JsonObject addTo(JsonObject body) {
    if (minutesToExpire != null) {
      body.put("minutesToExpire", minutesToExpire);
    }
    if (expiresAt != null) {
      body.put("expiresAt", expiresAt.toEpochMilli());
    }
    if (metadata != null) {
      body.put("metadata", metadata);
    }
    return body;
  }
}
