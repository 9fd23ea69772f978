package dev.kvs.bus;

import dev.kvs.service.KvsException;
import io.vertx.core.json.JsonObject;

/** Reading a request message's JSON body: the fields that HTTP takes from the path and the query. */
final class BusRequest {
  private BusRequest() {}

  static JsonObject body(Object message) {
    if (message instanceof JsonObject json) {
      return json;
    }
    throw KvsException.badRequest("invalid_json", "the message body must be a JSON object");
  }

  /** The namespace; HTTP always has one in its path, so a missing one is an invalid namespace. */
  static String namespace(JsonObject body) {
    if (body.getValue("ns") instanceof String ns) {
      return ns;
    }
    throw KvsException.badRequest("invalid_namespace", "\"ns\" (a string) is required");
  }

  static String key(JsonObject body) {
    if (body.getValue("key") instanceof String key) {
      return key;
    }
    throw KvsException.badRequest("invalid_key", "\"key\" (a string) is required");
  }

  /**
   * An optional parameter as the text a query string would carry, or null: a number is taken as
   * its digits (so {"limit": 10} and ?limit=10 read the same), anything else but a string is a 400.
   */
  static String parameter(JsonObject body, String name, String code) {
    Object value = body.getValue(name);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    if (value instanceof Integer || value instanceof Long) {
      return value.toString();
    }
    throw KvsException.badRequest(code, "\"" + name + "\" must be a " + (code.equals("invalid_limit") ? "number" : "string"));
  }

  /** The body as HTTP would have carried it: the same JSON without the fields HTTP has in its path. */
  static byte[] withoutAddressing(JsonObject body, boolean hasKey) {
    // A shallow copy: the values are only read, to be encoded once.
    JsonObject rest = new JsonObject(new java.util.LinkedHashMap<>(body.getMap()));
    rest.remove("ns");
    if (hasKey) {
      rest.remove("key");
    }
    return rest.toBuffer().getBytes();
  }
}
