package dev.kvs.client;

import io.vertx.core.json.JsonObject;

/**
 * Which page of keys {@link KvsClient#list} asks for. Nothing set: the first page (up to 1,000
 * keys) of every key of the namespace.
 *
 * <pre>{@code new ListOptions().setPrefix("user:").setLimit(100).setCursor(previousPage.cursor())}</pre>
 */
public final class ListOptions {
  private String prefix;
  private Integer limit;
  private String cursor;

  public String getPrefix() {
    return prefix;
  }

  /** Only keys that start with this literal prefix (no wildcards); null for all. */
  public ListOptions setPrefix(String prefix) {
    this.prefix = prefix;
    return this;
  }

  public Integer getLimit() {
    return limit;
  }

  /** At most this many keys (1 to 1,000); null for the server's default (1,000). */
  public ListOptions setLimit(Integer limit) {
    this.limit = limit;
    return this;
  }

  public String getCursor() {
    return cursor;
  }

  /** The {@link KvsPage#cursor()} of the previous page; null for the first page. */
  public ListOptions setCursor(String cursor) {
    this.cursor = cursor;
    return this;
  }

  /** Adds the fields set here to a request body. */
  JsonObject addTo(JsonObject body) {
    if (prefix != null) {
      body.put("prefix", prefix);
    }
    if (limit != null) {
      body.put("limit", limit);
    }
    if (cursor != null) {
      body.put("cursor", cursor);
    }
    return body;
  }
}
