package dev.kvs.load;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Pages through a prefix of {@code -DlistKeys} records (default 5,000) with {@code -DpageSize}
 * (default 100). Every page is checked against the seeded keys: its first key, its size and
 * {@code list_complete}, so a skipped, repeated or misordered key fails the run.
 */
public class ListPagingSimulation extends KvsSimulation {
  private static final int KEYS = Integer.getInteger("listKeys", 5_000);
  private static final int PAGE_SIZE = Integer.getInteger("pageSize", 100);
  /** The count is part of the prefix, so runs with another size never see these keys. */
  private static final String PREFIX = "list:" + KEYS + ":";
  private static final int PAGES = (KEYS + PAGE_SIZE - 1) / PAGE_SIZE;

  private static final ChainBuilder ONE_LISTING = exec(session -> session.remove("cursor").set("complete", false))
      .asLongAs(session -> !session.getBoolean("complete"), "page")
      .on(exec(http("list page")
          .get(ListPagingSimulation::pageUrl)
          .check(
              status().is(200),
              jsonPath("$.keys[0].name").is(session -> keyAt(session.getInt("page") * PAGE_SIZE)),
              jsonPath("$.keys[*].name").count().is(session -> expectedPageSize(session.getInt("page"))),
              jsonPath("$.list_complete").ofBoolean().is(session -> session.getInt("page") == PAGES - 1)
                  .saveAs("complete"),
              jsonPath("$.cursor").optional().saveAs("cursor"))));

  private final ScenarioBuilder listings = scenario("list paging")
      .during(LoadParameters.DURATION).on(ONE_LISTING);

  {
    run(listings);
  }

  @Override
  public void before() {
    Seeder.numbered(KEYS, ListPagingSimulation::keyAt);
  }

  /** Zero-padded, so that byte order is index order. */
  private static String keyAt(int index) {
    return PREFIX + String.format("%07d", index);
  }

  private static int expectedPageSize(int page) {
    return Math.min(PAGE_SIZE, KEYS - page * PAGE_SIZE);
  }

  private static String pageUrl(Session session) {
    String url = KvsHttp.NAMESPACE_PATH + "/kv?prefix=" + encode(PREFIX) + "&limit=" + PAGE_SIZE;
    return session.contains("cursor") ? url + "&cursor=" + encode(session.getString("cursor")) : url;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
