package dev.kvs.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoTimeTest {
  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void matchesTheIsoPatternWithThreeFractionDigits() {
    assertEquals("2022-12-28T02:50:57.167Z", IsoTime.format(1672195857167L));
    assertEquals("1970-01-01T00:00:00.000Z", IsoTime.format(0));
    assertEquals("1969-12-31T23:59:59.999Z", IsoTime.format(-1));
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 100_000; i++) {
      long ms = random.nextLong(-62_000_000_000_000L, 253_402_300_799_999L); // years 0005 .. 9999
      assertEquals(REFERENCE.format(Instant.ofEpochMilli(ms)), IsoTime.format(ms), "at " + ms);
      assertEquals(ms, IsoTime.parse(IsoTime.format(ms)));
    }
  }
}
