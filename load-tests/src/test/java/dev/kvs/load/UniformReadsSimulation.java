package dev.kvs.load;

import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * Uniformly random reads over a key space larger than the cache ({@code -Dkeys}, default 100,000
 * against the default 10,000 cache entries), so most reads go to PostgreSQL.
 */
public class UniformReadsSimulation extends Simulation {
  private static final int KEYS = Integer.getInteger("keys", 100_000);
  private static final String PREFIX = "uniform:";

  private final ScenarioBuilder reads = scenario("uniform reads")
      .during(LoadParameters.DURATION)
      .on(feed(Keys.uniform(PREFIX, KEYS)).exec(KvsHttp.getExisting("get random key")));

  {
    setUp(reads.injectOpen(rampUsers(LoadParameters.USERS).during(LoadParameters.RAMP)))
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
