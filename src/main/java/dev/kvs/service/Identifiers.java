package dev.kvs.service;

import dev.kvs.config.ApiLimits;

/** The API.md rules for namespaces and keys; a broken rule is a 400 with the precise code. */
public final class Identifiers {
  private static final int MAX_KEY_BYTES = ApiLimits.MAX_KEY_BYTES;
  private static final int MAX_NAMESPACE_CHARS = ApiLimits.MAX_NAMESPACE_CHARS;

  private Identifiers() {}

  /** 1 to 63 characters of [a-z0-9_-], starting with a letter or digit. */
  public static void checkNamespace(String ns) {
    if (ns == null || ns.isEmpty() || ns.length() > MAX_NAMESPACE_CHARS) {
      throw KvsException.badRequest("invalid_namespace", "namespace must be 1 to 63 characters of [a-z0-9_-]");
    }
    for (int i = 0; i < ns.length(); i++) {
      char c = ns.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (!alnum && (i == 0 || (c != '_' && c != '-'))) {
        throw KvsException.badRequest("invalid_namespace",
            "namespace must be 1 to 63 characters of [a-z0-9_-], starting with a letter or digit");
      }
    }
  }

  /** 1 to 512 bytes of printable ASCII (0x21-0x7E): no spaces, controls or multibyte characters. */
  public static void checkKey(String key) {
    if (key == null || key.isEmpty() || key.length() > MAX_KEY_BYTES) {
      throw KvsException.badRequest("invalid_key", "key must be 1 to 512 bytes of printable ASCII");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7E) {
        throw KvsException.badRequest("invalid_key",
            "key must be printable ASCII (0x21-0x7E): no spaces, control or multibyte characters");
      }
    }
  }
}
