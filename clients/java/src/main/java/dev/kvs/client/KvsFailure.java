package dev.kvs.client;

/**
 * Why a call failed: the API's error ({@code status}, {@code code}, {@code message}), or what the
 * event bus said instead of KVS.
 *
 * <ul>
 *   <li>KVS refused or failed the call: its error as the API documents it, e.g. 400
 *       {@code invalid_key}, 401 {@code unauthorized}, 403 {@code forbidden}, 404 {@code not_found},
 *       409 {@code conflict} (retry), 429 {@code rate_limited}, 503 {@code unavailable}. A refused
 *       conditional write is the subclass {@link ConditionFailed}.</li>
 *   <li>No reply within the request timeout: 504 {@value #TIMEOUT}. A write may or may not have
 *       been applied.</li>
 *   <li>No KVS process serves the address (none started, or not in this cluster) or the event bus
 *       could not deliver the request: 503 {@value #UNAVAILABLE}.</li>
 *   <li>A reply this client cannot read (a server of another API version): 502 {@value #INVALID_REPLY};
 *       a failure whose message is not the API's error JSON: the event bus failure code as status,
 *       code {@value #UNKNOWN}.</li>
 * </ul>
 *
 * <p>The event bus's own exception, when there is one, is the {@link #getCause() cause}.
 */
public class KvsFailure extends RuntimeException {
  /** 404: no live record. */
  public static final String NOT_FOUND = "not_found";
  /** 404: a conditional write was refused ({@link ConditionFailed}). */
  public static final String CONDITION_FAILED = "condition_failed";
  /** 409: other writers held the record; retry. */
  public static final String CONFLICT = "conflict";
  /** 410: a change-log cursor older than what the server keeps; re-list, then follow from the newest. */
  public static final String CURSOR_EXPIRED = "cursor_expired";
  /** 503: KVS cannot serve now (its database), or no KVS process serves the event bus address. */
  public static final String UNAVAILABLE = "unavailable";
  /** 504: no reply within the request timeout. */
  public static final String TIMEOUT = "timeout";
  /** 502: a reply this client cannot read. */
  public static final String INVALID_REPLY = "invalid_reply";
  /** A failure whose message is not the API's error JSON (its status is the event bus failure code). */
  public static final String UNKNOWN = "unknown";

  private final int status;
  private final String code;

  public KvsFailure(int status, String code, String message) {
    this(status, code, message, null);
  }

  public KvsFailure(int status, String code, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.code = code;
  }

  /** The HTTP status the API gives this error, e.g. 404. */
  public int status() {
    return status;
  }

  /** The API's error code, e.g. {@code "not_found"}: the part to branch on. */
  public String code() {
    return code;
  }

  @Override
  public String toString() {
    return getClass().getName() + ": " + status + " " + code + ": " + getMessage();
  }
}
