package dev.kvs.http;

import dev.kvs.json.IsoTime;
import dev.kvs.service.ConditionFailedException;
import dev.kvs.service.KvsException;
import dev.kvs.store.StoredRecord;
import io.vertx.core.buffer.Buffer;

/**
 * Response bodies, written straight into a string: the stored value and metadata are already
 * compact JSON and are copied through, never parsed and re-encoded.
 */
final class JsonBodies {
  static final Buffer EMPTY_OBJECT = Buffer.buffer("{}");

  private JsonBodies() {}

  /** The Craft shape: {"<key>": {"value": .., "metadata": .., "created_at": .., "expired_at": ..}}. */
  static Buffer record(String key, StoredRecord record) {
    StringBuilder sb = new StringBuilder(96 + key.length() + record.value().length());
    appendKeyedRecord(sb, key, record);
    return Buffer.buffer(sb.toString());
  }

  static Buffer error(KvsException e, String message) {
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
    sb.append(":{\"value\":").append(record.value());
    if (record.metadata() != null) {
      sb.append(",\"metadata\":").append(record.metadata());
    }
    sb.append(",\"created_at\":\"").append(IsoTime.format(record.createdAtMs()))
        .append("\",\"expired_at\":\"").append(IsoTime.format(record.expiredAtMs()))
        .append("\"}}");
  }

  static void appendString(StringBuilder sb, String s) {
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
