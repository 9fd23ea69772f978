package dev.kvs.config;

/**
 * The API's fixed limits (docs/API.md) in one place: the request parsers enforce them and the
 * body limits of the HTTP routes are derived from them.
 */
public final class ApiLimits {
  public static final int MAX_KEY_BYTES = 512;
  public static final int MAX_NAMESPACE_CHARS = 63;
  public static final int MAX_BULK_GET_KEYS = 100;
  public static final int MAX_BULK_WRITE_ITEMS = 1_000;
  public static final int MAX_BULK_DELETE_KEYS = 1_000;
  public static final int MAX_LIST_LIMIT = 1_000;
  /** Largest TTL a namespace may ever be configured with: 1,000 years. */
  public static final long TTL_MINUTES_CEILING = 525_600_000L;
  /**
   * The instants a request may name (unixtimeMs, expiresAt): years 0001 to 9999, what the API's
   * ISO-8601 timestamps can show and what PostgreSQL's timestamptz can store.
   */
  public static final long MIN_UNIX_MS = -62_135_596_800_000L;
  public static final long MAX_UNIX_MS = 253_402_300_799_999L;

  /** A key in a JSON body at worst: every character \\u-escaped, with its quotes and a comma. */
  static final int MAX_KEY_JSON_BYTES = 6 * MAX_KEY_BYTES + 3;

  private ApiLimits() {}
}
