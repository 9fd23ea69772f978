package dev.kvs.client;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/** Turns what the event bus fails a request with into a {@link KvsFailure}; reads the API's error JSON for both transports. */
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
      return apiError(new JsonObject(reply.getMessage()), reply.failureCode(), reply);
    } catch (RuntimeException notTheApisError) {
      // Another consumer on the address, or a server of another version: keep what it said.
      return new KvsFailure(reply.failureCode(), KvsFailure.UNKNOWN, String.valueOf(reply.getMessage()), reply);
    }
  }

  /**
   * The API's error body ({@code {"error": {"status", "code", "message"}, "current"?}}) as a typed
   * failure, whichever transport carried it; {@code status} when the error names none.
   *
   * @throws RuntimeException when the body is not the API's error
   */
  static KvsFailure apiError(JsonObject body, int status, Throwable cause) {
    JsonObject error = body.getJsonObject("error");
    int errorStatus = error.getInteger("status", status);
    String code = Objects.requireNonNull(error.getString("code"), "code");
    String message = error.getString("message", "");
    if (KvsFailure.CONDITION_FAILED.equals(code)) {
      return new ConditionFailed(message, current(body), cause);
    }
    return new KvsFailure(errorStatus, code, message, cause);
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
