package dev.kvs.client;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/** Turns what the event bus fails a request with into a {@link KvsFailure}. */
final class Failures {
  private Failures() {}

  /** The typed failure of a request to {@code address}; anything not from the event bus passes unchanged. */
  static Throwable of(String address, Throwable failure) {
    if (!(failure instanceof ReplyException reply)) {
      return failure;
    }
    return switch (reply.failureType()) {
      case RECIPIENT_FAILURE -> fromErrorJson(reply);
      case TIMEOUT -> new KvsFailure(504, KvsFailure.TIMEOUT,
          "no reply from KVS on " + address + " within the request timeout", reply);
      case NO_HANDLERS -> new KvsFailure(503, KvsFailure.UNAVAILABLE,
          "no KVS process serves " + address + " on this event bus", reply);
      case ERROR -> new KvsFailure(503, KvsFailure.UNAVAILABLE,
          "the event bus could not deliver the request to " + address + ": " + reply.getMessage(), reply);
    };
  }

  /** KVS failed the request: the message is the API's error JSON, the failure code its status. */
  private static KvsFailure fromErrorJson(ReplyException reply) {
    try {
      JsonObject body = new JsonObject(reply.getMessage());
      JsonObject error = body.getJsonObject("error");
      int status = error.getInteger("status", reply.failureCode());
      String code = Objects.requireNonNull(error.getString("code"), "code");
      String message = error.getString("message", "");
      if (KvsFailure.CONDITION_FAILED.equals(code)) {
        return new ConditionFailed(message, current(body), reply);
      }
      return new KvsFailure(status, code, message, reply);
    } catch (RuntimeException notTheApisError) {
      // Another consumer on the address, or a server of another version: keep what it said.
      return new KvsFailure(reply.failureCode(), KvsFailure.UNKNOWN, String.valueOf(reply.getMessage()), reply);
    }
  }

  /** The live record of a refused conditional write; null when the body has none this client can read. */
  private static KvsRecord current(JsonObject body) {
    try {
      return Replies.wrappedRecord(body.getJsonObject("current"));
    } catch (RuntimeException unreadable) {
      return null;
    }
  }
}
