package dev.kvs.access;

import java.util.Locale;

/** What a token may do: read and/or write the records of its namespace, or administer KVS. */
public enum Scope {
  READ, WRITE, ADMIN;

  /** The name in JSON bodies: "read", "write", "admin". */
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The scope of a JSON name, or null. */
  public static Scope ofJson(String name) {
    for (Scope s : values()) {
      if (s.json().equals(name)) {
        return s;
      }
    }
    return null;
  }
}
