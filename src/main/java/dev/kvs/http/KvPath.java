package dev.kvs.http;

import dev.kvs.service.KvsException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The API path of a request, read from the raw (still percent-encoded) path. vertx-web's router
 * normalises paths first, which turns a key of "." or ".." into a dot segment and drops it; keys
 * may hold any printable ASCII, so the key is everything after "/kv/", percent-decoded here.
 *
 * @param template the route as reported to metrics (bounded cardinality: never the key itself)
 */
record KvPath(String ns, Resource resource, String key, String template) {

  enum Resource { RECORD }

  private static final String PREFIX = "/v1/ns/";
  private static final String RECORD_TEMPLATE = "/v1/ns/:ns/kv/:key";

  /** The parsed path, or null when the path is not one of the key-value API's. */
  static KvPath parse(String rawPath) {
    if (!rawPath.startsWith(PREFIX)) {
      return null;
    }
    int nsEnd = rawPath.indexOf('/', PREFIX.length());
    if (nsEnd < 0) {
      return null;
    }
    String ns = rawPath.substring(PREFIX.length(), nsEnd);
    if (rawPath.startsWith("/kv/", nsEnd)) {
      String key = percentDecode(rawPath.substring(nsEnd + 4));
      return new KvPath(ns, Resource.RECORD, key, RECORD_TEMPLATE);
    }
    return null;
  }

  /** Strict RFC 3986 decoding: "%XX" becomes a byte, "+" stays "+", a broken escape is a 400. */
  static String percentDecode(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '%') {
        bytes.write(c);
        continue;
      }
      int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
      int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
      if (lo < 0) {
        throw KvsException.badRequest("invalid_key", "the key in the path has a broken percent-encoding");
      }
      bytes.write(hi * 16 + lo);
      i += 2;
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
