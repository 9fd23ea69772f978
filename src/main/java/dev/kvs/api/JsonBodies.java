package dev.kvs.api;

import dev.kvs.json.IsoTime;
import dev.kvs.service.ConditionFailedException;
import dev.kvs.service.KvsException;
import dev.kvs.service.ListPage;
import dev.kvs.store.ListedKey;
import dev.kvs.store.LoggedChange;
import dev.kvs.feed.FeedMessages;
import dev.kvs.store.StoredRecord;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;

/**
 * Response bodies, written straight into a string: the stored value and metadata are already
 * compact JSON and are copied through, never parsed and re-encoded.
 */
public final class JsonBodies {
  public static final Buffer EMPTY_OBJECT = Buffer.buffer("{}");

  private JsonBodies() {}

  /** The Craft shape: {"<key>": {"value": .., "metadata": .., "created_at": .., "expired_at": ..}}. */
  public static Buffer record(String key, StoredRecord record) {
    StringBuilder sb = new StringBuilder(96 + key.length() + record.value().length());
    appendKeyedRecord(sb, key, record);
    return Buffer.buffer(sb.toString());
  }

  /** Bulk get: {"a": {record}, "b": null}, in the order the keys were asked. */
  public static Buffer records(List<String> keys, Map<String, StoredRecord> found) {
    StringBuilder sb = new StringBuilder(64 + keys.size() * 160);
    sb.append('{');
    for (int i = 0; i < keys.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      appendString(sb, keys.get(i));
      sb.append(':');
      StoredRecord record = found.get(keys.get(i));
      if (record == null) {
        sb.append("null");
      } else {
        appendRecord(sb, record);
      }
    }
    return Buffer.buffer(sb.append('}').toString());
  }

  /** {"keys": [{"name": .., "expired_at": .., "metadata": ..}], "list_complete": .., "cursor": ..}. */
  public static Buffer listPage(ListPage page) {
    StringBuilder sb = new StringBuilder(64 + page.keys().size() * 64);
    sb.append("{\"keys\":[");
    for (int i = 0; i < page.keys().size(); i++) {
      ListedKey key = page.keys().get(i);
      sb.append(i == 0 ? "{\"name\":" : ",{\"name\":");
      appendString(sb, key.name());
      sb.append(",\"expired_at\":\"").append(IsoTime.format(key.expiredAtMs())).append('"');
      if (key.metadata() != null) {
        sb.append(",\"metadata\":").append(key.metadata());
      }
      sb.append('}');
    }
    sb.append("],\"list_complete\":").append(page.complete());
    if (page.cursor() != null) {
      sb.append(",\"cursor\":");
      appendString(sb, page.cursor());
    }
    return Buffer.buffer(sb.append('}').toString());
  }

  /** A catch-up page: {"changes": [change, ..], "list_complete": .., "cursor": ..}; the cursor is always there. */
  public static Buffer changes(List<LoggedChange> changes, boolean complete, String cursor) {
    StringBuilder sb = new StringBuilder(64 + changes.size() * 128);
    sb.append("{\"changes\":[");
    for (int i = 0; i < changes.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(FeedMessages.json(changes.get(i)).encode());
    }
    sb.append("],\"list_complete\":").append(complete).append(",\"cursor\":");
    appendString(sb, cursor);
    return Buffer.buffer(sb.append('}').toString());
  }

  public static Buffer count(String field, int n) {
    return Buffer.buffer("{\"" + field + "\":" + n + "}");
  }

  public static Buffer error(KvsException e, String message) {
    StringBuilder sb = new StringBuilder(128);
    sb.append("{\"error\":{\"status\":").append(e.status()).append(",\"code\":");
    appendString(sb, e.code());
    sb.append(",\"message\":");
    appendString(sb, message);
    sb.append('}');
    if (e instanceof ConditionFailedException failed) {
      sb.append(",\"current\":");
      appendKeyedRecord(sb, failed.key(), failed.current());
    }
    sb.append('}');
    return Buffer.buffer(sb.toString());
  }

  private static void appendKeyedRecord(StringBuilder sb, String key, StoredRecord record) {
    sb.append('{');
    appendString(sb, key);
    sb.append(':');
    appendRecord(sb, record);
    sb.append('}');
  }

  private static void appendRecord(StringBuilder sb, StoredRecord record) {
    sb.append("{\"value\":").append(record.value());
    if (record.metadata() != null) {
      sb.append(",\"metadata\":").append(record.metadata());
    }
    sb.append(",\"created_at\":\"").append(IsoTime.format(record.createdAtMs()))
        .append("\",\"expired_at\":\"").append(IsoTime.format(record.expiredAtMs()))
        .append("\"}");
  }

  public static void appendString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }
}
