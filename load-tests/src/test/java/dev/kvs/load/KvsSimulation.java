package dev.kvs.load;

import static io.gatling.javaapi.core.CoreDsl.rampUsers;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/** The shape the simulations share: {@code users} users ramped up, KVS's protocol, the standard assertions. */
abstract class KvsSimulation extends Simulation {
  /** Runs the scenario with every user from {@link LoadParameters} and the standard assertions. */
  protected final void run(ScenarioBuilder scenario) {
    setUp(users(scenario)).protocols(KvsHttp.protocol()).assertions(KvsHttp.standardAssertions());
  }

  static PopulationBuilder users(ScenarioBuilder scenario) {
    return scenario.injectOpen(rampUsers(LoadParameters.USERS).during(LoadParameters.RAMP));
  }
}
