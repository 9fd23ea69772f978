// The event bus load driver: a consumer process that joins a KVS cluster (KVS_CLUSTER_* settings,
// as for the service) and drives request/reply or measures the change feed. Single-file Java,
// run against the service jar (it uses KVS's Hazelcast settings and nothing else of it):
//
//   java -cp target/kvs.jar load-tests/bench/BusBench.java get|write CONC SECONDS
//   java -cp target/kvs.jar load-tests/bench/BusBench.java feed RATE SECONDS
//
// get / write: CONC requests in flight on kvs.get / kvs.write, random keys k0..k(KEYS-1) of
// namespace NS, the same ~170-byte value as the wrk PUT script; a warm-up of WARMUP_SECONDS first.
// feed: RATE writes a second, one at a time, each followed on kvs.changes.NS: the time from the
// write's acknowledgement (it has committed) to its change message, and from its sending.
// Prints "rps=... p50_ms=... p99_ms=..." on stdout (feed: "p50_ms=... p99_ms=..." from commit and
// "send_p50_ms=..." from sending), diagnostics on stderr.
import dev.kvs.cluster.HazelcastCluster;
import dev.kvs.config.ClusterConfig;
import dev.kvs.config.KvsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

public class BusBench {
  static final String NS = env("NS", "bench");
  static final int KEYS = Integer.parseInt(env("KEYS", "100000"));
  static final int TTL = Integer.parseInt(env("TTL_MINUTES", "10080"));
  static final long WARMUP_SECONDS = Long.parseLong(env("WARMUP_SECONDS", "5"));
  static final JsonObject VALUE = new JsonObject().put("payload", "x".repeat(150)).put("n", 2);

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int n = Integer.parseInt(args[1]);
    long seconds = Long.parseLong(args[2]);
    Map<String, String> settings = new HashMap<>(System.getenv());
    settings.put("KVS_CLUSTER", "hazelcast");
    ClusterConfig cluster = KvsConfig.fromEnv(settings).cluster();
    Vertx vertx = Vertx.builder().with(HazelcastCluster.withEventBus(new VertxOptions(), cluster))
        .withClusterManager(HazelcastCluster.clusterManager(cluster)).buildClustered().await();
    try {
      if (mode.equals("feed")) {
        feed(vertx, n, seconds);
      } else {
        load(vertx, mode, n, WARMUP_SECONDS, false);
        load(vertx, mode, n, seconds, true);
      }
    } finally {
      vertx.close().await();
    }
  }

  /** CONC loops, each sending its next request when the previous reply is in. */
  static void load(Vertx vertx, String mode, int conc, long seconds, boolean report) throws Exception {
    String address = mode.equals("get") ? "kvs.get" : "kvs.write";
    long[] latencies = new long[20_000_000];
    AtomicInteger count = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger loops = new AtomicInteger(conc);
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(30_000);
    long started = System.nanoTime();
    Runnable[] loop = new Runnable[1];
    loop[0] = () -> {
      if (!running.get()) {
        loops.decrementAndGet();
        return;
      }
      JsonObject body = new JsonObject().put("ns", NS).put("key", "k" + ThreadLocalRandom.current().nextInt(KEYS));
      if (!mode.equals("get")) {
        body.put("value", VALUE).put("minutesToExpire", TTL);
      }
      long sent = System.nanoTime();
      vertx.eventBus().request(address, body, options).onComplete(reply -> {
        if (reply.failed()) {
          failures.incrementAndGet();
        }
        int i = count.getAndIncrement();
        if (i < latencies.length) {
          latencies[i] = System.nanoTime() - sent;
        }
        loop[0].run();
      });
    };
    for (int i = 0; i < conc; i++) {
      vertx.runOnContext(v -> loop[0].run());
    }
    Thread.sleep(seconds * 1_000);
    running.set(false);
    long elapsed = System.nanoTime() - started;
    while (loops.get() > 0) {
      Thread.sleep(10);
    }
    if (!report) {
      return;
    }
    int done = Math.min(count.get(), latencies.length);
    long[] sorted = Arrays.copyOf(latencies, done);
    Arrays.sort(sorted);
    System.err.printf("# requests=%d failures=%d conc=%d%n", done, failures.get(), conc);
    if (failures.get() > 0) {
      System.err.println("# ERROR: some requests failed; no figure is printed");
      System.exit(3);
    }
    System.out.printf("rps=%.0f p50_ms=%.3f p99_ms=%.3f%n", done / (elapsed / 1e9), ms(sorted, 0.50), ms(sorted, 0.99));
  }

  /** Writes one at a time at RATE a second and times each one's change message. */
  static void feed(Vertx vertx, int rate, long seconds) throws Exception {
    Map<String, long[]> pending = new ConcurrentHashMap<>();
    long[] fromCommit = new long[(int) (rate * seconds) + 10];
    long[] fromSend = new long[fromCommit.length];
    AtomicInteger seen = new AtomicInteger();
    AtomicLong early = new AtomicLong();
    String run = Long.toString(System.nanoTime(), 36);
    vertx.eventBus().<JsonObject>consumer("kvs.changes." + NS, m -> {
      long now = System.nanoTime();
      long[] times = pending.remove(m.body().getString("key"));
      if (times != null && m.body().getString("op").equals("write")) {
        int i = seen.getAndIncrement();
        if (times[1] == 0) {
          early.incrementAndGet(); // the change came before the write's own reply
        }
        fromCommit[i] = times[1] == 0 ? 0 : now - times[1];
        fromSend[i] = now - times[0];
      }
    }).completion().await();
    Thread.sleep(2_000); // the subscription reaches every member
    long interval = 1_000_000_000L / rate;
    int total = (int) (rate * seconds);
    long next = System.nanoTime();
    for (int i = 0; i < total; i++) {
      String key = "feed-" + run + "-" + i;
      long[] times = new long[] {System.nanoTime(), 0};
      pending.put(key, times);
      vertx.eventBus().request("kvs.write", new JsonObject().put("ns", NS).put("key", key).put("value", i).put("minutesToExpire", 5))
          .await();
      times[1] = System.nanoTime();
      next += interval;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
    long deadline = System.currentTimeMillis() + 10_000;
    while (seen.get() < total && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    int n = seen.get();
    long[] a = Arrays.copyOf(fromCommit, n);
    long[] b = Arrays.copyOf(fromSend, n);
    Arrays.sort(a);
    Arrays.sort(b);
    System.err.printf("# writes=%d changes_seen=%d before_reply=%d%n", total, n, early.get());
    System.out.printf("p50_ms=%.3f p99_ms=%.3f send_p50_ms=%.3f send_p99_ms=%.3f missing=%d%n",
        ms(a, 0.50), ms(a, 0.99), ms(b, 0.50), ms(b, 0.99), total - n);
  }

  static double ms(long[] sorted, double q) {
    return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
