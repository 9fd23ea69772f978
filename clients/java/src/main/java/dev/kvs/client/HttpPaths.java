package dev.kvs.client;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The request URIs of the HTTP API for one namespace. Keys, namespaces and query values are
 * percent-encoded byte by byte (UTF-8), everything but RFC 3986's unreserved characters: KVS reads
 * the key from the raw path, so '/' must be %2F and '.' %2E (a key "." or ".." stays a key, not a
 * dot segment a proxy might resolve), and '+' in a query must be %2B (a bare '+' reads as a space).
 * Keys KVS refuses (a space, non-ASCII) are still sent as given, so KVS answers 400 invalid_key
 * as it does over the event bus.
 */
final class HttpPaths {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final String nsPath;

  HttpPaths(String pathPrefix, String namespace) {
    this.nsPath = pathPrefix + "/v1/ns/" + encode(namespace);
  }

  String record(String key) {
    return nsPath + "/kv/" + encode(Objects.requireNonNull(key, "key"));
  }

  String list(ListOptions options) {
    return new Query(nsPath + "/kv")
        .add("prefix", options.getPrefix())
        .add("limit", options.getLimit())
        .add("cursor", options.getCursor())
        .toString();
  }

  String changes(String cursor, Integer limit) {
    return new Query(nsPath + "/changes").add("cursor", cursor).add("limit", limit).toString();
  }

  String bulk(String call) {
    return nsPath + "/bulk/" + call;
  }

  /** Percent-encodes every byte of {@code text}'s UTF-8 but A-Z a-z 0-9 - _ ~. */
  static String encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    StringBuilder encoded = new StringBuilder(bytes.length * 3);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '~') {
        encoded.append((char) c);
      } else {
        encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return encoded.toString();
  }

  /** A path with the query parameters that are set. */
  private static final class Query {
    private final StringBuilder uri;
    private char separator = '?';

    Query(String path) {
      uri = new StringBuilder(path);
    }

    Query add(String name, Object value) {
      if (value != null) {
        uri.append(separator).append(name).append('=').append(encode(value.toString()));
        separator = '&';
      }
      return this;
    }

    @Override
    public String toString() {
      return uri.toString();
    }
  }
}
