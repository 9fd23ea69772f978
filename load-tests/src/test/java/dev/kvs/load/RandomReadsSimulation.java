package dev.kvs.load;

import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/** GETs of uniformly random keys among {@code keys} records written before the load starts. */
abstract class RandomReadsSimulation extends KvsSimulation {
  private final String prefix;
  private final int keys;

  RandomReadsSimulation(String name, String prefix, int keys) {
    this.prefix = prefix;
    this.keys = keys;
    run(scenario(name)
        .during(LoadParameters.DURATION)
        .on(feed(Keys.uniform(prefix, keys)).exec(KvsHttp.getExisting("get " + prefix + "<n>"))));
  }

  @Override
  public void before() {
    Seeder.numbered(keys, i -> Keys.name(prefix, i));
  }
}
