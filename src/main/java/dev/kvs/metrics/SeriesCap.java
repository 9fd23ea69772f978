package dev.kvs.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the series (label combinations) of each meter name: past the cap a new series is dropped,
 * not registered. No label of ours takes a value from a client, but should one ever do, this is
 * what keeps the registry (and every scrape) from growing without bound.
 */
final class SeriesCap implements MeterFilter {
  private static final Logger LOG = LoggerFactory.getLogger(SeriesCap.class);

  private final int maxPerName;
  private final ConcurrentHashMap<String, Set<Meter.Id>> seriesByName = new ConcurrentHashMap<>();

  SeriesCap(int maxPerName) {
    this.maxPerName = maxPerName;
  }

  @Override
  public MeterFilterReply accept(Meter.Id id) {
    Set<Meter.Id> series = seriesByName.computeIfAbsent(id.getName(), name -> ConcurrentHashMap.newKeySet());
    if (series.contains(id)) {
      return MeterFilterReply.NEUTRAL;
    }
    if (series.size() >= maxPerName) {
      return MeterFilterReply.DENY;
    }
    if (series.add(id) && series.size() == maxPerName) {
      LOG.warn("metric {} reached {} series: further label combinations are not recorded", id.getName(), maxPerName);
    }
    return MeterFilterReply.NEUTRAL;
  }
}
