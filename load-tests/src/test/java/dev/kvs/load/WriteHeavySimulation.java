package dev.kvs.load;

import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * Write-heavy: {@code -DwritePercent} (90) % overwrites, the rest reads of the same keys
 * ({@code -DwriteKeys}, default 10,000): the cache-invalidating write path under load, with reads
 * of keys that keep changing.
 */
public class WriteHeavySimulation extends KvsSimulation {
  private static final int KEYS = Integer.getInteger("writeKeys", 10_000);
  private static final double WRITE_PERCENT = Double.parseDouble(System.getProperty("writePercent", "90"));
  private static final String PREFIX = "write:";

  {
    run(scenario("write heavy")
        .during(LoadParameters.DURATION)
        .on(feed(Keys.uniform(PREFIX, KEYS))
            .exec(randomSwitch().on(
                percent(WRITE_PERCENT).then(KvsHttp.put("put key")),
                percent(100 - WRITE_PERCENT).then(KvsHttp.getExisting("get written key"))))));
  }

  @Override
  public void before() {
    Seeder.numbered(KEYS, i -> Keys.name(PREFIX, i));
  }
}
