package dev.kvs.examples;

import dev.kvs.KvsApplication;
import dev.kvs.config.KvsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Embedded mode, runnable: an application's own Vert.x with KVS deployed into it, and the
 * application's code as a consumer on the same (local) event bus. Settings come from the
 * environment as for the service (KVS_DB_URL or PG*, KVS_AUTH, KVS_HTTP_PORT, ...).
 *
 * <pre>java -cp target/kvs.jar dev.kvs.examples.EmbeddedKvs [namespace]</pre>
 *
 * With authentication on, pass a token of the namespace in EXAMPLE_TOKEN.
 */
public final class EmbeddedKvs {
  private EmbeddedKvs() {}

  public static void main(String[] args) throws Exception {
    String ns = args.length > 0 ? args[0] : "demo";
    Vertx vertx = Vertx.vertx();
    KvsApplication kvs = KvsApplication.start(vertx, KvsConfig.fromEnv()).await();
    DeliveryOptions auth = new DeliveryOptions();
    String token = System.getenv("EXAMPLE_TOKEN");
    if (token != null) {
      auth.addHeader("authorization", "Bearer " + token);
    }

    // Follow the namespace's changes: one message per committed change.
    CountDownLatch seen = new CountDownLatch(1);
    vertx.eventBus().<JsonObject>consumer("kvs.changes." + ns, change -> {
      System.out.println("change: " + change.body().encode());
      seen.countDown();
    }).completion().await();

    JsonObject written = (JsonObject) vertx.eventBus().request("kvs.write",
        new JsonObject().put("ns", ns).put("key", "greeting").put("value", "hello").put("minutesToExpire", 5), auth)
        .await().body();
    System.out.println("written: " + written.encode());
    JsonObject read = (JsonObject) vertx.eventBus().request("kvs.get",
        new JsonObject().put("ns", ns).put("key", "greeting"), auth).await().body();
    System.out.println("read: " + read.encode());

    boolean changed = seen.await(10, TimeUnit.SECONDS);
    kvs.stop().await();
    vertx.close().await();
    System.exit(changed ? 0 : 1);
  }
}
