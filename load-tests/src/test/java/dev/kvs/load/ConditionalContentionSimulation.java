package dev.kvs.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Compare-and-swap contention on a few hot counters ({@code -DcontentionKeys}, default 4): every
 * user increments one counter with {@code operator "="} on the {@code created_at} it last saw,
 * taking the live record from the 404 body when it lost, as a careful client does.
 *
 * <p>Outcomes are counted (200 written, 404 condition_failed, 409 conflict) and printed at the end;
 * a last request checks that the counters add up to the number of 200s, so a lost or doubled
 * update fails the run.
 */
public class ConditionalContentionSimulation extends KvsSimulation {
  private static final int KEYS = Integer.getInteger("contentionKeys", 4);
  private static final String PREFIX = "counter:";
  private static final String VERIFY_REQUEST = "verify: counters equal successful writes";

  private static final AtomicLong written = new AtomicLong();
  private static final AtomicLong conditionFailed = new AtomicLong();
  private static final AtomicLong conflicts = new AtomicLong();

  /** The counter's value and {@code created_at}, from a 200 or from the 404's {@code current}. */
  private static final ChainBuilder CAS_INCREMENT = exec(http("conditional write")
          .put(KvsHttp.RECORD_PATH)
          .body(StringBody(ConditionalContentionSimulation::incrementBody))
          .check(
              status().in(200, 404, 409).saveAs("status"),
              jsonPath("$..created_at").optional().saveAs("createdAt"),
              jsonPath("$..value").ofInt().optional().saveAs("count")))
      .exec(session -> {
        countOutcome(session.getInt("status"));
        return session;
      });

  private final ScenarioBuilder contention = scenario("conditional contention")
      .exec(session -> session.set("key", Keys.name(PREFIX, (int) (session.userId() % KEYS))))
      .exec(http("read counter").get(KvsHttp.RECORD_PATH).check(
          status().is(200),
          jsonPath("$..created_at").saveAs("createdAt"),
          jsonPath("$..value").ofInt().saveAs("count")))
      // exitASAP off: an iteration always counts the outcome of the write it sent.
      .during(LoadParameters.DURATION, false).on(CAS_INCREMENT);

  private final ScenarioBuilder verify = scenario("verify counters")
      .exec(http(VERIFY_REQUEST)
          .post(KvsHttp.NAMESPACE_PATH + "/bulk/get")
          .body(StringBody(counterKeysJson()))
          .check(
              status().is(200),
              jsonPath("$.*.value").ofInt().findAll()
                  .transform(values -> values.stream().mapToLong(Integer::longValue).sum())
                  .is(session -> written.get())));

  {
    List<Assertion> assertions = new ArrayList<>(KvsHttp.standardAssertions());
    assertions.add(details(VERIFY_REQUEST).failedRequests().count().is(0L));
    setUp(users(contention).andThen(verify.injectOpen(atOnceUsers(1))))
        .protocols(KvsHttp.protocol())
        .assertions(assertions);
  }

  /** Counters always start at zero: the verification needs to know where they began. */
  @Override
  public void before() {
    Seeder.write(KEYS, i -> Keys.name(PREFIX, i), i -> "0");
  }

  @Override
  public void after() {
    long ok = written.get(), lost = conditionFailed.get(), busy = conflicts.get();
    long all = Math.max(1, ok + lost + busy);
    System.out.printf("conditional writes: 200 written=%d (%.1f%%), 404 condition_failed=%d (%.1f%%), 409 conflict=%d (%.1f%%)%n",
        ok, 100.0 * ok / all, lost, 100.0 * lost / all, busy, 100.0 * busy / all);
  }

  private static String incrementBody(Session session) {
    long unixtimeMs = Instant.parse(session.getString("createdAt")).toEpochMilli();
    return "{\"value\":" + (session.getInt("count") + 1) + ",\"operator\":\"=\",\"unixtimeMs\":" + unixtimeMs + "}";
  }

  private static void countOutcome(int status) {
    switch (status) {
      case 200 -> written.incrementAndGet();
      case 404 -> conditionFailed.incrementAndGet();
      default -> conflicts.incrementAndGet();
    }
  }

  private static String counterKeysJson() {
    return IntStream.range(0, KEYS)
        .mapToObj(i -> "\"" + Keys.name(PREFIX, i) + "\"")
        .collect(Collectors.joining(",", "{\"keys\":[", "]}"));
  }
}
