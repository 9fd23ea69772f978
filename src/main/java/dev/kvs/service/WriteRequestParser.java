package dev.kvs.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.kvs.config.ApiLimits;
import dev.kvs.config.KvsConfig.RecordLimits;
import dev.kvs.json.CompactJson;
import dev.kvs.store.Expiry;
import dev.kvs.store.Operator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeMap;

/**
 * Reads write bodies (single and bulk) and bulk key lists. A write body ({@code {"value": ..., "minutesToExpire": .., "expiresAt": .., "metadata":
 * {..}, "operator": "<", "unixtimeMs": ..}}) with Jackson's streaming parser, and applies every
 * rule of API.md. The value and metadata are kept as the client's compact bytes, not re-encoded.
 */
public final class WriteRequestParser {
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private final RecordLimits limits;

  public WriteRequestParser(RecordLimits limits) {
    this.limits = limits;
  }

  /** A write body. Validates it; {@code nowMs} bounds {@code expiresAt}. Throws a 400 KvsException. */
  public WriteRequest parse(byte[] body, long nowMs) {
    return document(body, p -> {
      expect(p, p.nextToken(), JsonToken.START_OBJECT, "invalid_json", "the body must be a JSON object");
      return readWrite(p, body, nowMs, false).toRequest(limits, nowMs);
    });
  }

  /**
   * A bulk write body, {@code {"items": [{"key": .., "value": .., ...}]}}: every item checked as a
   * single write would be (no conditions), an error naming the item's index. Sorted by key, a
   * repeated key keeping its last item: one row per key, locked in the same order by every batch.
   */
  public List<KeyedWrite> parseBulkWrite(byte[] body, long nowMs, int maxItems) {
    return document(body, p -> {
      enterSingleArrayField(p, "items");
      TreeMap<String, WriteRequest> byKey = new TreeMap<>();
      int index = 0;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), index++) {
        if (index >= maxItems) {
          throw KvsException.badRequest("too_many_items", "at most " + maxItems + " items per bulk write");
        }
        try {
          expect(p, t, JsonToken.START_OBJECT, "invalid_json", "an item must be a JSON object");
          Fields f = readWrite(p, body, nowMs, true);
          if (f.key == null) {
            throw KvsException.badRequest("invalid_key", "key is required");
          }
          Identifiers.checkKey(f.key);
          byKey.put(f.key, f.toRequest(limits, nowMs));
        } catch (KvsException e) {
          throw KvsException.badRequest(e.code(), "items[" + index + "]: " + e.getMessage());
        }
      }
      endDocument(p);
      List<KeyedWrite> items = new ArrayList<>(byKey.size());
      byKey.forEach((key, write) -> items.add(new KeyedWrite(key, write)));
      return items;
    });
  }

  /** A {@code {"keys": [..]}} body: valid keys, in order, without repeats. */
  public static List<String> parseKeys(byte[] body, int maxKeys) {
    return document(body, p -> {
      enterSingleArrayField(p, "keys");
      LinkedHashSet<String> keys = new LinkedHashSet<>();
      int index = 0;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), index++) {
        if (index >= maxKeys) {
          throw KvsException.badRequest("too_many_keys", "at most " + maxKeys + " keys per call");
        }
        try {
          expect(p, t, JsonToken.VALUE_STRING, "invalid_key", "a key must be a string");
          String key = p.getText();
          Identifiers.checkKey(key);
          keys.add(key);
        } catch (KvsException e) {
          throw KvsException.badRequest(e.code(), "keys[" + index + "]: " + e.getMessage());
        }
      }
      endDocument(p);
      return new ArrayList<>(keys);
    });
  }

  /** A parsed bulk item. */
  public record KeyedWrite(String key, WriteRequest write) {}

  @FunctionalInterface
  private interface BodyReader<T> {
    T read(JsonParser p) throws IOException;
  }

  private static <T> T document(byte[] body, BodyReader<T> reader) {
    try (JsonParser p = JSON.createParser(body)) {
      return reader.read(p);
    } catch (JsonProcessingException e) {
      throw KvsException.badRequest("invalid_json", "the body is not valid JSON");
    } catch (IOException e) {
      throw KvsException.badRequest("invalid_json", "the body could not be read as JSON");
    }
  }

  private static void expect(JsonParser p, JsonToken actual, JsonToken expected, String code, String message) {
    if (actual != expected) {
      throw KvsException.badRequest(code, message);
    }
  }

  /** Positions the parser inside the array of {@code {"<field>": [...]}}, the body's only field. */
  private static void enterSingleArrayField(JsonParser p, String field) throws IOException {
    String shape = "the body must be {\"" + field + "\": [...]}";
    expect(p, p.nextToken(), JsonToken.START_OBJECT, "invalid_json", shape);
    expect(p, p.nextToken(), JsonToken.FIELD_NAME, "invalid_json", shape);
    if (!field.equals(p.currentName())) {
      throw KvsException.badRequest("unknown_field", "unknown field '" + p.currentName() + "'; " + shape);
    }
    expect(p, p.nextToken(), JsonToken.START_ARRAY, "invalid_json", shape);
  }

  /** After a bulk body's array: the object must close, and nothing may follow. */
  private static void endDocument(JsonParser p) throws IOException {
    JsonToken next = p.nextToken();
    if (next == JsonToken.FIELD_NAME) {
      throw KvsException.badRequest("unknown_field", "unknown field '" + p.currentName() + "'");
    }
    expect(p, next, JsonToken.END_OBJECT, "invalid_json", "the body must be one JSON object");
    if (p.nextToken() != null) {
      throw KvsException.badRequest("invalid_json", "unexpected content after the JSON object");
    }
  }

  /** The fields of one write object; the parser is on its START_OBJECT and ends on its END_OBJECT. */
  private Fields readWrite(JsonParser p, byte[] body, long nowMs, boolean bulkItem) throws IOException {
    Fields f = new Fields();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken token = p.nextToken();
      switch (name) {
        case "value" -> f.value = readValue(p, body, token);
        case "metadata" -> f.metadata = readMetadata(p, body, token);
        case "minutesToExpire" -> f.minutes = readLong(p, token, "invalid_ttl", "minutesToExpire must be an integer");
        case "expiresAt" -> f.expiresAt = readLong(p, token, "invalid_ttl", "expiresAt must be an integer (unix milliseconds)");
        case "operator" -> f.operator = bulkItem ? unknown(name) : readOperator(p, token);
        case "unixtimeMs" -> f.unixtimeMs = bulkItem ? unknown(name)
            : readLong(p, token, "invalid_operator", "unixtimeMs must be an integer (unix milliseconds)");
        case "key" -> f.key = bulkItem && token == JsonToken.VALUE_STRING ? p.getText()
            : bulkItem ? badKey() : unknown(name);
        default -> unknown(name);
      }
    }
    if (!bulkItem && p.nextToken() != null) {
      throw KvsException.badRequest("invalid_json", "unexpected content after the JSON object");
    }
    return f;
  }

  private static <T> T unknown(String field) {
    throw KvsException.badRequest("unknown_field", "unknown field '" + field + "'");
  }

  private static <T> T badKey() {
    throw KvsException.badRequest("invalid_key", "key must be a string");
  }

  private String readValue(JsonParser p, byte[] body, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NULL) {
      throw KvsException.badRequest("invalid_value", "value must not be null");
    }
    byte[] compact = slice(p, body);
    if (compact.length > limits.maxValueBytes()) {
      throw KvsException.badRequest("invalid_value",
          "value is " + compact.length + " bytes of compact JSON; the limit is " + limits.maxValueBytes());
    }
    return new String(compact, StandardCharsets.UTF_8);
  }

  private String readMetadata(JsonParser p, byte[] body, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token != JsonToken.START_OBJECT) {
      throw KvsException.badRequest("invalid_metadata", "metadata must be a JSON object");
    }
    byte[] compact = slice(p, body);
    if (compact.length > limits.maxMetadataBytes()) {
      throw KvsException.badRequest("invalid_metadata",
          "metadata is " + compact.length + " bytes of compact JSON; the limit is " + limits.maxMetadataBytes());
    }
    return new String(compact, StandardCharsets.UTF_8);
  }

  /** The current JSON value, from its first byte to its last, in compact form. */
  private static byte[] slice(JsonParser p, byte[] body) throws IOException {
    int start = (int) p.currentTokenLocation().getByteOffset();
    p.skipChildren();   // objects and arrays: to their closing bracket
    p.finishToken();    // strings are parsed lazily: read up to the closing quote
    int end = (int) p.currentLocation().getByteOffset();
    return CompactJson.of(body, start, end);
  }

  private static Long readLong(JsonParser p, JsonToken token, String code, String message) throws IOException {
    if (token != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw KvsException.badRequest(code, message);
    }
    return p.getLongValue();
  }

  private static Operator readOperator(JsonParser p, JsonToken token) throws IOException {
    Operator op = token == JsonToken.VALUE_STRING ? Operator.fromSymbol(p.getText()) : null;
    if (op == null) {
      throw KvsException.badRequest("invalid_operator", "operator must be one of \"<\", \"<=\", \"=\", \">=\", \">\"");
    }
    return op;
  }

  /** Fields as read, checked together once the whole object is known. */
  private static final class Fields {
    String key;
    String value;
    String metadata;
    Long minutes;
    Long expiresAt;
    Operator operator;
    Long unixtimeMs;

    WriteRequest toRequest(RecordLimits limits, long nowMs) {
      if (value == null) {
        throw KvsException.badRequest("invalid_value", "value is required");
      }
      if ((operator == null) != (unixtimeMs == null)) {
        throw KvsException.badRequest("invalid_operator", "operator and unixtimeMs go together: give both or neither");
      }
      // Beyond these years no created_at can exist, and PostgreSQL could not hold the value.
      if (unixtimeMs != null && (unixtimeMs < ApiLimits.MIN_UNIX_MS || unixtimeMs > ApiLimits.MAX_UNIX_MS)) {
        throw KvsException.badRequest("invalid_operator", "unixtimeMs must be between " + ApiLimits.MIN_UNIX_MS
            + " and " + ApiLimits.MAX_UNIX_MS + " (the years 0001 to 9999)");
      }
      return new WriteRequest(value, metadata, expiry(limits, nowMs), operator, unixtimeMs);
    }

    private Expiry expiry(RecordLimits limits, long nowMs) {
      if (minutes != null && expiresAt != null) {
        throw KvsException.badRequest("invalid_ttl", "give minutesToExpire or expiresAt, not both");
      }
      if (expiresAt != null) {
        long maxMs = limits.maxTtlMinutes() * 60_000L;
        if (expiresAt <= nowMs || expiresAt - nowMs > maxMs) {
          throw KvsException.badRequest("invalid_ttl",
              "expiresAt must be in the future and at most " + limits.maxTtlMinutes() + " minutes ahead");
        }
        return Expiry.at(expiresAt);
      }
      if (minutes == null) {
        return Expiry.inMinutes(limits.defaultTtlMinutes());
      }
      if (minutes < 1 || minutes > limits.maxTtlMinutes()) {
        throw KvsException.badRequest("invalid_ttl",
            "minutesToExpire must be an integer from 1 to " + limits.maxTtlMinutes());
      }
      return Expiry.inMinutes(minutes.intValue());
    }
  }
}
