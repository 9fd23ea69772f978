package dev.kvs.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The session pattern: create a session record with an absolute expiry, read it a few times,
 * then either log out (delete) or let it expire; either way the next read must be a 404. Expiry
 * is checked against the record's own deadline, so a record served past it fails the run.
 */
public class SessionSimulation extends KvsSimulation {
  private static final long TTL_MS = Long.getLong("sessionTtlMs", 3_000);
  private static final int READS = Integer.getInteger("sessionReads", 5);
  private static final double LOGOUT_RATIO = Double.parseDouble(System.getProperty("logoutRatio", "0.5"));
  /** Clock margin past the deadline: the database clock decides, the client only waits for it. */
  private static final long EXPIRY_MARGIN_MS = 250;

  private static final ChainBuilder ONE_SESSION = exec(session -> session
          .set("key", "session:" + UUID.randomUUID())
          .set("expiresAt", System.currentTimeMillis() + TTL_MS))
      .exec(http("create session")
          .put(KvsHttp.RECORD_PATH)
          .body(StringBody("{\"value\":{\"user\":\"#{key}\",\"roles\":[\"reader\"]},\"expiresAt\":#{expiresAt}}"))
          .check(status().is(200)))
      .repeat(READS).on(KvsHttp.getExisting("read live session"))
      .doIfOrElse(session -> ThreadLocalRandom.current().nextDouble() < LOGOUT_RATIO)
      .then(exec(http("log out (delete)").delete(KvsHttp.RECORD_PATH).check(status().is(200)))
          .exec(http("read after logout").get(KvsHttp.RECORD_PATH).check(status().is(404))))
      .orElse(pause(SessionSimulation::untilExpired)
          .exec(http("read expired session").get(KvsHttp.RECORD_PATH).check(status().is(404))));

  private final ScenarioBuilder sessions = scenario("sessions")
      .during(LoadParameters.DURATION).on(ONE_SESSION);

  {
    run(sessions);
  }

  private static Duration untilExpired(Session session) {
    long wait = session.getLong("expiresAt") - System.currentTimeMillis() + EXPIRY_MARGIN_MS;
    return Duration.ofMillis(Math.max(0, wait));
  }
}
