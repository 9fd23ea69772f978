package dev.kvs.load;

import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * Write-heavy: 90 % overwrites, 10 % reads of the same keys ({@code -DwriteKeys}, default 10,000),
 * the mix of a cache-invalidating write path with reads of keys that keep changing.
 */
public class WriteHeavySimulation extends Simulation {
  private static final int KEYS = Integer.getInteger("writeKeys", 10_000);
  private static final double WRITE_PERCENT = Double.parseDouble(System.getProperty("writePercent", "90"));
  private static final String PREFIX = "write:";

  private final ScenarioBuilder writes = scenario("write heavy")
      .during(LoadParameters.DURATION)
      .on(feed(Keys.uniform(PREFIX, KEYS))
          .exec(randomSwitch().on(
              percent(WRITE_PERCENT).then(KvsHttp.put("put key")),
              percent(100 - WRITE_PERCENT).then(KvsHttp.getExisting("get written key")))));

  {
    setUp(writes.injectOpen(rampUsers(LoadParameters.USERS).during(LoadParameters.RAMP)))
        .protocols(KvsHttp.protocol())
        .assertions(KvsHttp.standardAssertions());
  }

  @Override
  public void before() {
    if (LoadParameters.SEED) {
      Seeder.write(KEYS, i -> Keys.name(PREFIX, i), i -> "{\"n\":" + i + "}");
    }
  }
}
