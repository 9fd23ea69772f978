package dev.kvs.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/** Reads KVS's reply bodies (the HTTP API's response bodies) into the client's types. */
final class Replies {
  private Replies() {}

  /**
   * Applies {@code reader} to a reply body. Whatever goes wrong reading it (a missing field, a
   * wrong type, a bad time) is one failure, 502 invalid_reply, rather than a stray exception.
   */
  static <T> T read(Object body, Function<JsonObject, T> reader) {
    try {
      return reader.apply((JsonObject) Objects.requireNonNull(body, "empty reply"));
    } catch (KvsFailure failure) {
      throw failure;
    } catch (RuntimeException unreadable) {
      throw invalid(unreadable);
    }
  }

  /** 502 invalid_reply: why a reply could not be read. */
  static KvsFailure invalid(RuntimeException unreadable) {
    return new KvsFailure(502, KvsFailure.INVALID_REPLY, "a reply from KVS this client cannot read: " + unreadable,
        unreadable);
  }

  /** The Get shape: {@code {"<key>": {record}}}, the key wrapping the record. */
  static KvsRecord wrappedRecord(JsonObject body) {
    if (body.size() != 1) {
      throw new IllegalArgumentException("expected one key wrapping a record, got " + body.fieldNames());
    }
    String key = body.fieldNames().iterator().next();
    return record(key, body.getJsonObject(key));
  }

  /** A record's fields: {@code {"value", "metadata"?, "created_at", "expired_at"}}. */
  static KvsRecord record(String key, JsonObject fields) {
    // getValue hands back JsonObject / JsonArray for objects and arrays, as KvsRecord documents.
    Object value = Objects.requireNonNull(fields.getValue("value"), "value");
    return new KvsRecord(key, value, fields.getJsonObject("metadata"),
        time(fields, "created_at"), time(fields, "expired_at"));
  }

  /** Bulk get: {@code {"a": {record}, "b": null}}; absent keys are left out of the map. */
  static Map<String, KvsRecord> records(JsonObject body) {
    Map<String, KvsRecord> records = new LinkedHashMap<>();
    for (String key : body.fieldNames()) {
      JsonObject fields = body.getJsonObject(key);
      if (fields != null) {
        records.put(key, record(key, fields));
      }
    }
    return Collections.unmodifiableMap(records);
  }

  /** List: {@code {"keys": [{"name", "expired_at", "metadata"?}], "list_complete", "cursor"?}}. */
  static KvsPage page(JsonObject body) {
    List<KvsListedKey> keys = new ArrayList<>();
    for (JsonObject key : objects(body.getJsonArray("keys"))) {
      keys.add(new KvsListedKey(Objects.requireNonNull(key.getString("name"), "name"),
          time(key, "expired_at"), key.getJsonObject("metadata")));
    }
    return new KvsPage(keys, listComplete(body), body.getString("cursor"));
  }

  /** Changes since a cursor: {@code {"changes": [change...], "list_complete", "cursor"}}. */
  static KvsChangePage changePage(JsonObject body) {
    List<KvsChange> changes = new ArrayList<>();
    for (JsonObject change : objects(body.getJsonArray("changes"))) {
      changes.add(change(change));
    }
    return new KvsChangePage(changes, listComplete(body), Objects.requireNonNull(body.getString("cursor"), "cursor"));
  }

  /** A change: {@code {"op", "key", "created_at", "expired_at", "cursor"}}. */
  static KvsChange change(JsonObject change) {
    return new KvsChange(KvsChange.Op.fromWire(change.getString("op")),
        Objects.requireNonNull(change.getString("key"), "key"),
        optionalTime(change, "created_at"), optionalTime(change, "expired_at"), change.getString("cursor"));
  }

  /** A count field of a bulk write or delete reply: {@code {"written": n}}, {@code {"deleted": n}}. */
  static int count(JsonObject body, String field) {
    return Objects.requireNonNull(body.getInteger(field), field);
  }

  private static boolean listComplete(JsonObject body) {
    return Objects.requireNonNull(body.getBoolean("list_complete"), "list_complete");
  }

  private static List<JsonObject> objects(JsonArray array) {
    List<JsonObject> objects = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      objects.add(array.getJsonObject(i));
    }
    return objects;
  }

  private static Instant time(JsonObject json, String field) {
    return Instant.parse(Objects.requireNonNull(json.getString(field), field));
  }

  private static Instant optionalTime(JsonObject json, String field) {
    String iso = json.getString(field);
    return iso == null ? null : Instant.parse(iso);
  }
}
