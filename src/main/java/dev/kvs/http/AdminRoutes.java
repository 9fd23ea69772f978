package dev.kvs.http;

import dev.kvs.access.AccessControl;
import dev.kvs.admin.AdminService;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The admin API under /v1/admin. Every call is admitted first (an admin token: 401 / 403), before
 * its body is read; bodies are small JSON objects (415 otherwise, 413 beyond 16 KiB).
 */
final class AdminRoutes {
  static final int MAX_BODY_BYTES = 16 * 1024;

  private final AdminService admin;
  private final AccessControl access;
  private final Responses responses;
  private final BodyHandler bodyReader = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);

  AdminRoutes(AdminService admin, AccessControl access, Responses responses) {
    this.admin = admin;
    this.access = access;
    this.responses = responses;
  }

  void mount(Router router) {
    router.route("/v1/admin/*").handler(this::admit);
    router.route("/v1/admin/*").method(HttpMethod.POST).method(HttpMethod.PATCH).handler(this::readJsonBody);

    router.post("/v1/admin/namespaces").handler(ctx -> answer(ctx, 201, admin.createNamespace(ctx.body().buffer())));
    router.get("/v1/admin/namespaces").handler(ctx -> answer(ctx, 200, admin.listNamespaces()));
    router.get("/v1/admin/namespaces/:ns").handler(ctx -> answer(ctx, 200, admin.getNamespace(ns(ctx))));
    router.patch("/v1/admin/namespaces/:ns")
        .handler(ctx -> answer(ctx, 200, admin.updateNamespace(ns(ctx), ctx.body().buffer())));
    router.delete("/v1/admin/namespaces/:ns").handler(ctx -> answer(ctx, 200, admin.deleteNamespace(ns(ctx))));
    router.post("/v1/admin/namespaces/:ns/tokens")
        .handler(ctx -> answer(ctx, 201, admin.issueToken(ns(ctx), ctx.body().buffer(), System.currentTimeMillis())));
    router.get("/v1/admin/namespaces/:ns/tokens").handler(ctx -> answer(ctx, 200, admin.listTokens(ns(ctx))));
    router.post("/v1/admin/tokens")
        .handler(ctx -> answer(ctx, 201, admin.issueAdminToken(ctx.body().buffer(), System.currentTimeMillis())));
    router.get("/v1/admin/tokens").handler(ctx -> answer(ctx, 200, admin.listTokens(null)));
    router.delete("/v1/admin/tokens/:id").handler(ctx -> answer(ctx, 200, admin.revokeToken(ctx.pathParam("id"))));
  }

  private void admit(RoutingContext ctx) {
    responses.whenAdmitted(ctx, access.forAdmin(ctx.request().getHeader(HttpHeaders.AUTHORIZATION)), ok -> ctx.next());
  }

  /** Reads the body of a JSON request (the BodyHandler continues the route); 415 for anything else. */
  private void readJsonBody(RoutingContext ctx) {
    if (KvRoutes.isJson(ctx.parsedHeaders().contentType())) {
      bodyReader.handle(ctx);
    } else {
      responses.error(ctx.request(), Responses.forStatus(415));
    }
  }

  private static String ns(RoutingContext ctx) {
    return ctx.pathParam("ns");
  }

  private void answer(RoutingContext ctx, int status, Future<JsonObject> result) {
    result.onComplete(json -> responses.json(ctx, status, json.toBuffer()), failure -> responses.failure(ctx, failure));
  }
}
