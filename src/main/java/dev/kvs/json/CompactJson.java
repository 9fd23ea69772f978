package dev.kvs.json;

import java.util.Arrays;

/**
 * Compact form of a slice of already-validated JSON: insignificant whitespace removed, every
 * other byte kept. Storing the client's own bytes (rather than re-encoding a parsed tree) keeps
 * numbers exactly as written (no 1.10 -> 1.1, no big integers turned into doubles).
 */
public final class CompactJson {
  private CompactJson() {}

  /** The compact UTF-8 bytes of {@code json[from, to)}. */
  public static byte[] of(byte[] json, int from, int to) {
    byte[] out = new byte[to - from];
    int n = 0;
    boolean inString = false;
    for (int i = from; i < to; i++) {
      byte b = json[i];
      if (inString) {
        out[n++] = b;
        if (b == '\\') {
          out[n++] = json[++i]; // the escaped character, whatever it is
        } else if (b == '"') {
          inString = false;
        }
      } else if (b == '"') {
        inString = true;
        out[n++] = b;
      } else if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        out[n++] = b;
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }
}
