package dev.kvs.config;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Typed, range-checked access to environment variables; a bad value names its variable. */
final class EnvReader {
  private final Map<String, String> env;

  EnvReader(Map<String, String> env) {
    this.env = env;
  }

  String string(String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  String stringOrNull(String name) {
    return string(name, null);
  }

  int intValue(String name, int fallback, int min, int max) {
    return (int) longValue(name, fallback, min, max);
  }

  long longValue(String name, long fallback, long min, long max) {
    String v = string(name, null);
    if (v == null) {
      return fallback;
    }
    long parsed;
    try {
      parsed = Long.parseLong(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
    }
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + parsed);
    }
    return parsed;
  }

  /** A value from a fixed set, compared case-insensitively; returned upper-case. */
  String oneOf(String name, String fallback, Set<String> allowed) {
    String v = string(name, fallback).toUpperCase(Locale.ROOT);
    if (!allowed.contains(v)) {
      throw new IllegalArgumentException(name + " must be one of " + new TreeSet<>(allowed) + ", got '" + v + "'");
    }
    return v;
  }

  boolean bool(String name, boolean fallback) {
    String v = string(name, null);
    if (v == null) {
      return fallback;
    }
    return switch (v.toLowerCase()) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
    };
  }
}
