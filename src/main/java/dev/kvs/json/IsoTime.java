package dev.kvs.json;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The API's timestamp format: ISO-8601 UTC with exactly three fraction digits and a Z. */
public final class IsoTime {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private IsoTime() {}

  public static String format(long unixMs) {
    return FORMAT.format(Instant.ofEpochMilli(unixMs));
  }

  public static long parse(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }
}
