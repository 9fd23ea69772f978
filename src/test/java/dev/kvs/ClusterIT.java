package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.cluster.HazelcastCluster;
import dev.kvs.config.ClusterConfig;
import dev.kvs.support.Await;
import dev.kvs.support.TestPostgres;
import dev.kvs.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clustered mode end to end: two KVS processes ({@code java -jar target/kvs.jar} with
 * KVS_CLUSTER=hazelcast) and this test JVM as the consumer process form one Vert.x cluster on
 * loopback. The consumer reads, writes and follows the change feed through the bus; one KVS
 * process is stopped with SIGTERM, later the other with SIGKILL, while the consumer keeps writing:
 * every write it was told succeeded is in the database, and it carries on through the survivor.
 */
class ClusterIT {
  private static final String CLUSTER = "kvs-it-" + ProcessHandle.current().pid();
  private static final String NS = "cl";
  private static final int[] PORTS = {TestService.freePort(), TestService.freePort(), TestService.freePort()};
  private static final List<String> MEMBERS = List.of("127.0.0.1:" + PORTS[0], "127.0.0.1:" + PORTS[1], "127.0.0.1:" + PORTS[2]);

  private static String database;
  private static final Process[] kvs = new Process[2];
  private static final Path[] logs = new Path[2];
  private static Vertx consumer;
  private static HazelcastClusterManager consumerCluster;
  private static final List<JsonObject> feed = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void start() throws Exception {
    database = TestPostgres.get().createDatabase("cluster");
    kvs[0] = startKvs(0);
    kvs[1] = startKvs(1);
    ClusterConfig self = new ClusterConfig(true, CLUSTER, MEMBERS, null, PORTS[2], "127.0.0.1", 0, false);
    consumerCluster = HazelcastCluster.clusterManager(self);
    consumer = Vertx.builder().with(HazelcastCluster.withEventBus(new VertxOptions(), self))
        .withClusterManager(consumerCluster).buildClustered().await(60, TimeUnit.SECONDS);
    Await.until("three members in the cluster", 60_000, () -> consumerCluster.getNodes().size() == 3);
    consumer.eventBus().<JsonObject>consumer("kvs.changes." + NS, m -> feed.add(m.body())).completion().await();
    Await.until("both KVS processes answer on the bus", 60_000, () -> answeredBy(2));
  }

  @AfterAll
  static void stop() throws Exception {
    for (Process p : kvs) {
      if (p != null) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (consumer != null) {
      consumer.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void theConsumerReadsWritesFollowsAndOutlivesEitherKvsProcess() throws Exception {
    // Reads and writes through the bus, and each change arrives once on the feed although two
    // KVS processes hear of it.
    JsonObject written = request("kvs.write", new JsonObject().put("ns", NS).put("key", "hello").put("value", "world"));
    assertEquals("world", written.getJsonObject("hello").getString("value"));
    assertEquals("world", request("kvs.get", new JsonObject().put("ns", NS).put("key", "hello"))
        .getJsonObject("hello").getString("value"));
    Await.until("the write on the feed", 10_000, () -> keysOnFeed().contains("hello"));
    Thread.sleep(1_000);
    assertEquals(1, Collections.frequency(keysOnFeed(), "hello"), "once per cluster, not once per KVS process");

    // SIGTERM to the first process while writing.
    Set<String> acknowledged = ConcurrentHashMap.newKeySet(); // read while the writer thread adds
    writeWhile(acknowledged, "term", () -> {
      kvs[0].destroy();
      assertTrue(kvs[0].waitFor(60, TimeUnit.SECONDS), "the first KVS process exits on SIGTERM");
    });
    assertAllStored(acknowledged);
    Await.until("the consumer writes through the other process", 30_000,
        () -> tryWrite("after-term"));

    // Back to two, then SIGKILL to the second while writing.
    kvs[0] = startKvs(0);
    Await.until("the restarted process answers again", 60_000, () -> answeredBy(2));
    writeWhile(acknowledged, "kill", () -> {
      kvs[1].destroyForcibly();
      assertTrue(kvs[1].waitFor(30, TimeUnit.SECONDS), "the second KVS process dies on SIGKILL");
    });
    assertAllStored(acknowledged);
    Await.until("the consumer writes through the survivor", 60_000, () -> tryWrite("after-kill"));

    // The feed goes on too: the survivor publishes (it took over if the dead process was publishing).
    Await.until("a change after the SIGKILL on the feed", 30_000, () -> {
      tryWrite("last");
      return keysOnFeed().contains("last");
    });
  }

  /** Writes keys in a loop, runs {@code disruption} after a few, and goes on a while after it. */
  private static void writeWhile(Set<String> acknowledged, String prefix, ThrowingRunnable disruption) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    Thread writer = new Thread(() -> {
      for (int i = 0; !stop.get(); i++) {
        String key = prefix + "-" + i;
        if (tryWrite(key)) {
          acknowledged.add(key);
        }
      }
    });
    writer.start();
    Await.until("writes before the disruption", 30_000, () -> acknowledged.stream().anyMatch(k -> k.startsWith(prefix)));
    disruption.run();
    int before = (int) acknowledged.stream().filter(k -> k.startsWith(prefix)).count();
    Await.until("writes acknowledged after the disruption", 60_000,
        () -> acknowledged.stream().filter(k -> k.startsWith(prefix)).count() > before + 20);
    stop.set(true);
    writer.join(30_000);
  }

  private static boolean tryWrite(String key) {
    try {
      request("kvs.write", new JsonObject().put("ns", NS).put("key", key).put("value", key), 3_000);
      return true;
    } catch (ReplyException e) {
      return false; // no handler reachable, or timed out: not acknowledged, so not counted
    }
  }

  private static void assertAllStored(Set<String> acknowledged) throws Exception {
    Set<String> stored = new HashSet<>();
    try (Connection c = TestPostgres.get().connect(database); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT key FROM kv WHERE ns = '" + NS + "' AND expired_at > now()")) {
      while (r.next()) {
        stored.add(r.getString(1));
      }
    }
    Set<String> lost = new HashSet<>(acknowledged);
    lost.removeAll(stored);
    assertTrue(lost.isEmpty(), "acknowledged writes missing from the database: " + lost);
  }

  /** Whether the cluster has its three members, both KVS processes have started, and kvs.get answers. */
  private static boolean answeredBy(int kvsProcesses) {
    if (consumerCluster.getNodes().size() != kvsProcesses + 1 || !logged(0, "KVS listening") || !logged(1, "KVS listening")) {
      return false;
    }
    try {
      request("kvs.get", new JsonObject().put("ns", NS).put("key", "probe"), 3_000);
      return false; // never written: a 404 is the answer expected
    } catch (ReplyException e) {
      return e.failureCode() == 404;
    }
  }

  private static JsonObject request(String address, JsonObject body) {
    return request(address, body, 10_000);
  }

  private static JsonObject request(String address, JsonObject body, long timeoutMs) {
    return (JsonObject) consumer.eventBus().request(address, body, new DeliveryOptions().setSendTimeout(timeoutMs))
        .await().body();
  }

  private static List<String> keysOnFeed() {
    synchronized (feed) {
      return feed.stream().map(m -> m.getString("key")).toList();
    }
  }

  private static Process startKvs(int i) throws IOException {
    logs[i] = Files.createTempFile("kvs-cluster-" + i + "-", ".log");
    return ProcessIT.start(Map.of(
        "KVS_DB_URL", TestPostgres.get().kvsUrl(database),
        "KVS_CLUSTER", "hazelcast",
        "KVS_CLUSTER_NAME", CLUSTER,
        "KVS_CLUSTER_MEMBERS", String.join(",", MEMBERS),
        "KVS_CLUSTER_PORT", Integer.toString(PORTS[i]),
        "KVS_CLUSTER_HOST", "127.0.0.1",
        "KVS_SHUTDOWN_GRACE_MS", "5000"), logs[i]);
  }

  private static boolean logged(int i, String text) {
    try {
      return Files.readString(logs[i]).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
