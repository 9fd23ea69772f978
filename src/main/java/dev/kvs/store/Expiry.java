package dev.kvs.store;

/** When a write expires: minutes from the database's now, or an absolute instant (unix ms). */
public record Expiry(Integer minutes, Long atMs) {
  public static Expiry inMinutes(int minutes) {
    return new Expiry(minutes, null);
  }

  public static Expiry at(long unixMs) {
    return new Expiry(null, unixMs);
  }
}
