package dev.kvs.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class SeriesCapTest {
  @Test
  void aNameKeepsAtMostTheCappedNumberOfSeriesAndTheOnesItHas() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    registry.config().meterFilter(new SeriesCap(3));
    for (int i = 0; i < 10; i++) {
      registry.counter("requests", "path", "/p" + i).increment();
    }
    registry.counter("requests", "path", "/p0").increment();
    registry.counter("other", "path", "/p9").increment();

    assertEquals(3, registry.find("requests").counters().size());
    assertEquals(2.0, registry.get("requests").tag("path", "/p0").counter().count(), "kept series still count");
    assertEquals(1, registry.find("other").counters().size(), "the cap is per name");
  }
}
