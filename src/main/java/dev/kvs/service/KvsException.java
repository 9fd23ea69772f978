package dev.kvs.service;

/**
 * An error of the API.md contract: HTTP status, machine-readable code and a message safe to show
 * a client. HTTP and the event bus render it the same way. Built without a stack trace: these
 * are expected outcomes (404, 400, 409), not bugs, and some are frequent.
 */
public class KvsException extends RuntimeException {
  private final int status;
  private final String code;

  public KvsException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public static KvsException badRequest(String code, String message) {
    return new KvsException(400, code, message);
  }

  public static KvsException notFound() {
    return new KvsException(404, "not_found", "no live record with this key");
  }

  public static KvsException conflict() {
    return new KvsException(409, "conflict", "other writers hold this key; retry");
  }

  public static KvsException unavailable() {
    return new KvsException(503, "unavailable", "the database is unreachable or overloaded; retry later");
  }
}
