package dev.kvs.support;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/** Raw request/reply on KVS's event bus addresses, as a consumer without the typed client sends them. */
public final class BusCalls {
  private BusCalls() {}

  /** What came back: 200 and the reply, or the failure code and the error JSON of the failure's message. */
  public record Answer(int status, JsonObject body) {}

  public static Answer request(Vertx vertx, String address, Object body, String token) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(10_000);
    if (token != null) {
      options.addHeader("authorization", "Bearer " + token);
    }
    try {
      Object reply = vertx.eventBus().request(address, body, options).await().body();
      return new Answer(200, (JsonObject) reply);
    } catch (ReplyException e) {
      if (e.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
        throw e;
      }
      return new Answer(e.failureCode(), new JsonObject(e.getMessage()));
    }
  }

  public static Answer request(Vertx vertx, String address, Object body) {
    return request(vertx, address, body, null);
  }
}
