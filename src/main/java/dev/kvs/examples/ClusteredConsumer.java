package dev.kvs.examples;

import dev.kvs.cluster.HazelcastCluster;
import dev.kvs.config.ClusterConfig;
import dev.kvs.config.KvsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Clustered mode, runnable: a consumer process that joins the KVS processes' Vert.x cluster
 * (the same KVS_CLUSTER_NAME and KVS_CLUSTER_MEMBERS, its own KVS_CLUSTER_PORT), writes a
 * record through the bus, reads it back and prints the changes of the namespace for a while.
 *
 * <pre>KVS_CLUSTER_MEMBERS=127.0.0.1:5701,127.0.0.1:5711 KVS_CLUSTER_PORT=5711 KVS_CLUSTER_HOST=127.0.0.1 \
 *   java -cp target/kvs.jar dev.kvs.examples.ClusteredConsumer demo 10</pre>
 *
 * A consumer needs Vert.x and vertx-hazelcast only; this one reuses KVS's own Hazelcast settings
 * for brevity. With authentication on, pass a token of the namespace in EXAMPLE_TOKEN.
 */
public final class ClusteredConsumer {
  private ClusteredConsumer() {}

  public static void main(String[] args) throws Exception {
    String ns = args.length > 0 ? args[0] : "demo";
    long followSeconds = args.length > 1 ? Long.parseLong(args[1]) : 10;
    Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.put("KVS_CLUSTER", "hazelcast");
    ClusterConfig cluster = KvsConfig.fromEnv(env).cluster();
    Vertx vertx = Vertx.builder()
        .with(HazelcastCluster.withEventBus(new VertxOptions(), cluster))
        .withClusterManager(HazelcastCluster.clusterManager(cluster))
        .buildClustered().await();
    DeliveryOptions auth = new DeliveryOptions().setSendTimeout(10_000);
    String token = System.getenv("EXAMPLE_TOKEN");
    if (token != null) {
      auth.addHeader("authorization", "Bearer " + token);
    }

    try {
      vertx.eventBus().<JsonObject>consumer("kvs.changes." + ns, change -> System.out.println("change: " + change.body().encode()))
          .completion().await();
      JsonObject written = whenServed(() -> (JsonObject) vertx.eventBus().request("kvs.write",
          new JsonObject().put("ns", ns).put("key", "from-consumer").put("value", ProcessHandle.current().pid()), auth)
          .await().body());
      System.out.println("written: " + written.encode());
      JsonObject read = (JsonObject) vertx.eventBus().request("kvs.get",
          new JsonObject().put("ns", ns).put("key", "from-consumer"), auth).await().body();
      System.out.println("read: " + read.encode());
      Thread.sleep(followSeconds * 1_000);
    } finally {
      vertx.close().await();
    }
  }

  /**
   * The call, retried while no KVS member serves its address yet: a consumer may join the cluster
   * before any KVS process has (or while the last one restarts).
   */
  private static <T> T whenServed(java.util.function.Supplier<T> call) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      try {
        return call.get();
      } catch (ReplyException e) {
        if (e.failureType() != ReplyFailure.NO_HANDLERS || System.currentTimeMillis() > deadline) {
          throw e;
        }
        System.out.println("waiting for a KVS process to join the cluster");
        Thread.sleep(500);
      }
    }
  }
}
