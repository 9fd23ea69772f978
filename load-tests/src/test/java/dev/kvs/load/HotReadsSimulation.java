package dev.kvs.load;

import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/** Read-heavy on a small hot set ({@code -DhotKeys}, default 1,000): what the read cache is for. */
public class HotReadsSimulation extends Simulation {
  private static final int HOT_KEYS = Integer.getInteger("hotKeys", 1_000);
  private static final String PREFIX = "hot:";

  private final ScenarioBuilder reads = scenario("hot reads")
      .during(LoadParameters.DURATION)
      .on(feed(Keys.uniform(PREFIX, HOT_KEYS)).exec(KvsHttp.getExisting("get hot key")));

  {
    setUp(reads.injectOpen(rampUsers(LoadParameters.USERS).during(LoadParameters.RAMP)))
        .protocols(KvsHttp.protocol())
        .assertions(KvsHttp.standardAssertions());
  }

  @Override
  public void before() {
    if (LoadParameters.SEED) {
      Seeder.write(HOT_KEYS, i -> Keys.name(PREFIX, i), i -> "{\"n\":" + i + "}");
    }
  }
}
