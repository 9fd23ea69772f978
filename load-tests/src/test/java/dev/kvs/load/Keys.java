package dev.kvs.load;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/** Key names and endless feeders of them. Keys use {@code prefix:index}, the usual KV namespacing. */
final class Keys {
  static String name(String prefix, int index) {
    return prefix + index;
  }

  /** Uniformly random keys among {@code prefix0 .. prefix(count-1)}, each with a random value. */
  static Iterator<Map<String, Object>> uniform(String prefix, int count) {
    return Stream.generate(() -> {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          return Map.<String, Object>of("key", name(prefix, random.nextInt(count)), "n", random.nextInt(1_000_000));
        })
        .iterator();
  }

  private Keys() {}
}
