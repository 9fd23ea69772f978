package dev.kvs.store;

import dev.kvs.service.KvsException;

/**
 * A position in the change log: the last change seen, by transaction id and sequence number.
 * Clients get it as an opaque string ({@link #encode}) and hand it back to resume from there.
 */
public record ChangeCursor(long txid, long seq) implements Comparable<ChangeCursor> {
  /** Before every change: the log's sequence numbers start at 1. */
  public static final ChangeCursor START = new ChangeCursor(0, 0);

  public String encode() {
    return txid + "-" + seq;
  }

  /** A cursor this service returned, or a 400 {@code invalid_cursor}. */
  public static ChangeCursor parse(String text) {
    int dash = text.indexOf('-');
    try {
      if (dash > 0 && dash < 20 && text.length() - dash - 1 <= 19) {
        long txid = Long.parseLong(text.substring(0, dash));
        long seq = Long.parseLong(text.substring(dash + 1));
        if (txid >= 0 && seq >= 0) {
          return new ChangeCursor(txid, seq);
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw KvsException.badRequest("invalid_cursor", "cursor is not one this service returned");
  }

  @Override
  public int compareTo(ChangeCursor other) {
    int byTxid = Long.compare(txid, other.txid);
    return byTxid != 0 ? byTxid : Long.compare(seq, other.seq);
  }
}
