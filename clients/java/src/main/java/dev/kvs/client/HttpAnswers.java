package dev.kvs.client;

import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/** Reads KVS's HTTP answers: a 2xx body into the client's types, any other into the same failure the event bus gives. */
final class HttpAnswers {
  private static final int QUOTED = 200;

  private HttpAnswers() {}

  /**
   * The result of a successful answer, read by {@code reader}.
   *
   * @throws KvsFailure the answer's error, or 502 invalid_reply for a 2xx body this client cannot read
   */
  static <T> T read(HttpExchange.Answer answer, Function<JsonObject, T> reader) {
    if (answer.status() < 200 || answer.status() > 299) {
      throw failure(answer);
    }
    JsonObject body;
    try {
      body = answer.body().toJsonObject();
    } catch (RuntimeException notJson) {
      throw Replies.invalid(notJson);
    }
    return Replies.read(body, reader);
  }

  /** The API's error in the answer; one that is not the API's error JSON keeps the status, with code unknown. */
  static KvsFailure failure(HttpExchange.Answer answer) {
    try {
      return Failures.apiError(answer.body().toJsonObject(), answer.status(), null);
    } catch (RuntimeException notTheApisError) {
      // A proxy's page, or a refusal of the HTTP layer itself (501 has no body): keep what it said.
      String text = answer.body().toString();
      return new KvsFailure(answer.status(), KvsFailure.UNKNOWN, "HTTP " + answer.status() + " from KVS"
          + (text.isEmpty() ? "" : ": " + (text.length() > QUOTED ? text.substring(0, QUOTED) + "..." : text)));
    }
  }
}
