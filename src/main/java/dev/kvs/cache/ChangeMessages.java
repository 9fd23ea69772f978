package dev.kvs.cache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The payload of a change notification: the sender's id on the first line, then one
 * {@code "<ns> <key>"} per line. Neither namespaces nor keys can hold a space or a newline.
 * Batches are cut below PostgreSQL's 8,000-byte NOTIFY payload limit.
 */
public final class ChangeMessages {
  /** The NOTIFY channel of changed keys; the change feed listens to it too, to read the log sooner. */
  public static final String CHANNEL = "kvs_changes";
  private static final int MAX_PAYLOAD_BYTES = 7_900;

  private ChangeMessages() {}

  /** Payloads announcing {@code changes} ("ns key" strings, ASCII), as few as fit the limit. */
  static List<String> encode(String origin, Collection<String> changes) {
    List<String> payloads = new ArrayList<>();
    StringBuilder current = new StringBuilder(origin);
    for (String change : changes) {
      if (current.length() + 1 + change.length() > MAX_PAYLOAD_BYTES) {
        payloads.add(current.toString());
        current = new StringBuilder(origin);
      }
      current.append('\n').append(change);
    }
    if (current.length() > origin.length()) {
      payloads.add(current.toString());
    }
    return payloads;
  }

  static String change(String ns, String key) {
    return ns + ' ' + key;
  }

  /** Calls {@code invalidate(ns, key)} for each change of a payload not sent by {@code self}. */
  static void decode(String payload, String self, KeyConsumer invalidate) {
    int lineEnd = payload.indexOf('\n');
    if (lineEnd < 0 || payload.regionMatches(0, self, 0, lineEnd) && lineEnd == self.length()) {
      return;
    }
    int start = lineEnd + 1;
    while (start < payload.length()) {
      int end = payload.indexOf('\n', start);
      if (end < 0) {
        end = payload.length();
      }
      int space = payload.indexOf(' ', start);
      if (space > start && space < end) {
        invalidate.accept(payload.substring(start, space), payload.substring(space + 1, end));
      }
      start = end + 1;
    }
  }

  @FunctionalInterface
  interface KeyConsumer {
    void accept(String ns, String key);
  }
}
