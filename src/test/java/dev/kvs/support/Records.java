package dev.kvs.support;

import dev.kvs.json.IsoTime;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

/** Reading the Craft response shape {"key": {record}} in assertions. */
public final class Records {
  private Records() {}

  public static JsonObject record(HttpResponse<Buffer> response, String key) {
    JsonObject body = response.bodyAsJsonObject();
    JsonObject record = body.getJsonObject(key);
    if (record == null) {
      throw new AssertionError("no record for key " + key + " in " + body);
    }
    return record;
  }

  public static long createdAtMs(HttpResponse<Buffer> response, String key) {
    return IsoTime.parse(record(response, key).getString("created_at"));
  }

  public static String errorCode(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error").getString("code");
  }

  public static JsonObject write(Object value) {
    return new JsonObject().put("value", value);
  }

  public static JsonObject conditional(Object value, String operator, long unixtimeMs) {
    return new JsonObject().put("value", value).put("operator", operator).put("unixtimeMs", unixtimeMs);
  }
}
