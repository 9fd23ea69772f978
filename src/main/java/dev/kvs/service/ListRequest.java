package dev.kvs.service;

import dev.kvs.config.ApiLimits;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A validated listing request: the literal prefix, the page size and where the previous page
 * ended. The cursor is opaque to clients: the last key returned, base64url-encoded.
 */
public record ListRequest(String prefix, int limit, String afterKey) {
  private static final int MAX_LIMIT = ApiLimits.MAX_LIST_LIMIT;

  /** From the raw query parameters (each may be null). */
  public static ListRequest of(String prefix, String limit, String cursor) {
    String p = prefix == null ? "" : prefix;
    if (!p.isEmpty()) {
      try {
        Identifiers.checkKey(p);
      } catch (KvsException e) {
        throw KvsException.badRequest("invalid_prefix", "prefix must be at most 512 bytes of printable ASCII");
      }
    }
    return new ListRequest(p, parseLimit(limit), cursor == null || cursor.isEmpty() ? "" : decodeCursor(cursor));
  }

  private static int parseLimit(String limit) {
    if (limit == null) {
      return MAX_LIMIT;
    }
    try {
      int n = Integer.parseInt(limit);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw KvsException.badRequest("invalid_limit", "limit must be an integer from 1 to " + MAX_LIMIT);
  }

  public static String encodeCursor(String lastKey) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.US_ASCII));
  }

  private static String decodeCursor(String cursor) {
    try {
      String key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      Identifiers.checkKey(key);
      return key;
    } catch (IllegalArgumentException | KvsException e) {
      throw KvsException.badRequest("invalid_cursor", "cursor is not one this service returned");
    }
  }

  /** The exclusive upper bound of the prefix range: every key starting with the prefix sorts below it. */
  public String prefixEnd() {
    return prefix + '\u007f'; // above every printable ASCII character a key may hold
  }
}
