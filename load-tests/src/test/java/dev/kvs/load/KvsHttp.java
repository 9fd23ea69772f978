package dev.kvs.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.util.List;

/** The protocol, request shapes and assertions the simulations share. */
final class KvsHttp {
  /** The record path of the session's {@code key}; keys are chosen so that they need no escaping. */
  static final String RECORD_PATH = "/v1/ns/" + LoadParameters.NAMESPACE + "/kv/#{key}";
  static final String NAMESPACE_PATH = "/v1/ns/" + LoadParameters.NAMESPACE;

  static HttpProtocolBuilder protocol() {
    HttpProtocolBuilder protocol = http.baseUrl(LoadParameters.BASE_URL)
        .acceptHeader("application/json")
        .contentTypeHeader("application/json; charset=utf-8")
        .userAgentHeader("kvs-gatling");
    return LoadParameters.TOKEN.isEmpty() ? protocol : protocol.authorizationHeader("Bearer " + LoadParameters.TOKEN);
  }

  /** A GET that must find its record. */
  static HttpRequestActionBuilder getExisting(String name) {
    return http(name).get(RECORD_PATH).check(status().is(200));
  }

  /** An unconditional PUT of {@code {"n": <n>}} with a one-hour TTL. */
  static HttpRequestActionBuilder put(String name) {
    return http(name)
        .put(RECORD_PATH)
        .body(StringBody("{\"value\":{\"n\":#{n}},\"minutesToExpire\":60}"))
        .check(status().is(200));
  }

  /** Error rate and latency bounds every simulation is held to (tunable, see {@link LoadParameters}). */
  static List<Assertion> standardAssertions() {
    return List.of(
        global().failedRequests().percent().lte(LoadParameters.MAX_ERROR_PERCENT),
        global().responseTime().percentile(95.0).lte(LoadParameters.MAX_P95_MS),
        global().responseTime().percentile(99.0).lte(LoadParameters.MAX_P99_MS));
  }

  private KvsHttp() {}
}
