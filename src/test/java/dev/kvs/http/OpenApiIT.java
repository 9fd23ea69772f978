package dev.kvs.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.kvs.support.TestService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /openapi.yaml describes exactly the endpoints the service serves. */
class OpenApiIT {
  private static final java.util.Set<String> HTTP_METHODS = java.util.Set.of("get", "put", "post", "delete", "patch", "head");
  private static TestService kvs;

  @BeforeAll
  static void start() {
    kvs = TestService.start("openapi", Map.of());
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  void theDocumentListsEveryRouteTheServiceHasAndNoOther() throws Exception {
    HttpResponse<Buffer> response = kvs.http.get("/openapi.yaml").send().await();
    assertEquals(200, response.statusCode());
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(response.bodyAsString());
    assertEquals("3.1.0", doc.get("openapi").asText());

    TreeSet<String> documented = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      path.getValue().fieldNames().forEachRemaining(field -> {
        if (HTTP_METHODS.contains(field)) {
          documented.add(field.toUpperCase() + " " + path.getKey());
        }
      });
    }
    assertEquals(servedRoutes(), documented);
  }

  @Test
  void everyDocumentedOperationIsAnsweredByItsHandlerNotTheRoutersFallback() throws Exception {
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(kvs.http.get("/openapi.yaml").send().await().bodyAsString());
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      String uri = path.getKey().replace("{ns}", "test").replace("{key}", "some%2Fkey").replace("{id}", "tok_x");
      for (Iterator<String> fields = path.getValue().fieldNames(); fields.hasNext(); ) {
        String field = fields.next();
        if (!HTTP_METHODS.contains(field)) {
          continue;
        }
        Future<HttpResponse<Buffer>> sent = kvs.http.request(HttpMethod.valueOf(field.toUpperCase()), uri)
            .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(field.equals("post") ? "{\"keys\": []}" : "{\"value\": 1}"));
        HttpResponse<Buffer> answer = sent.await();
        String what = field + " " + uri + " -> " + answer.statusCode() + " " + answer.bodyAsString();
        assertNotEquals(405, answer.statusCode(), what);
        assertFalse(answer.bodyAsString().contains("no such endpoint"), what);
      }
    }
  }

  /** What the router really serves: the operations routes it mounts, and the key-value resources it dispatches. */
  private static TreeSet<String> servedRoutes() {
    Router router = Router.router(kvs.vertx);
    Responses responses = new Responses(kvs.vertx, 1);
    new OpsRoutes(() -> Future.succeededFuture(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), responses)
        .mountManagement(router);
    OpsRoutes.mountOpenApi(router, Buffer.buffer());
    new AdminRoutes(null, null, responses).mount(router); // mounting calls neither
    TreeSet<String> served = new TreeSet<>();
    router.getRoutes().stream()
        .filter(route -> route.isExactPath() && route.methods() != null) // not the admission and body steps of /v1/admin/*
        .forEach(route -> route.methods().forEach(m ->
            served.add(m.name() + " " + route.getPath().replaceAll(":([a-z]+)", "{$1}"))));
    for (KvPath.Resource resource : KvPath.Resource.values()) {
      String template = resource.template.replace(":ns", "{ns}").replace(":key", "{key}");
      resource.methods.forEach(m -> served.add(m.name() + " " + template));
    }
    return served;
  }
}
