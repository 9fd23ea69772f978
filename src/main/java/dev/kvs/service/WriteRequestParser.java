package dev.kvs.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.kvs.config.KvsConfig.RecordLimits;
import dev.kvs.json.CompactJson;
import dev.kvs.store.Expiry;
import dev.kvs.store.Operator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a write body ({@code {"value": ..., "minutesToExpire": .., "expiresAt": .., "metadata":
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

  /** Parses and validates; {@code nowMs} bounds {@code expiresAt}. Throws a 400 KvsException. */
  public WriteRequest parse(byte[] body, long nowMs) {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw KvsException.badRequest("invalid_json", "the body must be a JSON object");
      }
      Fields f = new Fields();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken token = p.nextToken();
        switch (name) {
          case "value" -> f.value = readValue(p, body, token);
          case "metadata" -> f.metadata = readMetadata(p, body, token);
          case "minutesToExpire" -> f.minutes = readLong(p, token, "invalid_ttl", "minutesToExpire must be an integer");
          case "expiresAt" -> f.expiresAt = readLong(p, token, "invalid_ttl", "expiresAt must be an integer (unix milliseconds)");
          case "operator" -> f.operator = readOperator(p, token);
          case "unixtimeMs" -> f.unixtimeMs = readLong(p, token, "invalid_operator", "unixtimeMs must be an integer (unix milliseconds)");
          default -> throw KvsException.badRequest("unknown_field", "unknown field '" + name + "'");
        }
      }
      if (p.nextToken() != null) {
        throw KvsException.badRequest("invalid_json", "unexpected content after the JSON object");
      }
      return f.toRequest(limits, nowMs);
    } catch (JsonProcessingException e) {
      throw KvsException.badRequest("invalid_json", "the body is not valid JSON");
    } catch (IOException e) {
      throw KvsException.badRequest("invalid_json", "the body could not be read as JSON");
    }
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
