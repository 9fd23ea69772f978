import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Attacks a running KVS the way a hostile or careless client would, while a well-behaved client
 * measures its own latency, and prints one row of figures per attack.
 *
 * <pre>java load-tests/bench/Abuse.java URL PID LOG [SECONDS_PER_ATTACK] [ATTACKS]</pre>
 *
 * URL is the service's base URL, PID its process id (RSS and open files are read from /proc), LOG
 * the file its output goes to (new ERROR lines are counted), ATTACKS a comma-separated list of
 * attack numbers or "all". Exit status 0 when no 5xx was seen and the service is still alive, 1
 * when a 5xx was seen, 2 when the service died. JDK 21+, no dependencies: see ABUSE.md.
 */
public class Abuse {
  static String host;
  static int port;
  static String base;
  static InetSocketAddress addr;
  static long pid;
  static Path logPath;
  static int seconds;
  /** Distinguishes this run's namespaces from earlier runs' (records live a day). */
  static final String RUN = Long.toString(System.currentTimeMillis(), 36);
  static final ScheduledExecutorService WATCHDOG = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "watchdog");
    t.setDaemon(true);
    return t;
  });
  static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(3))
      .build();

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: java Abuse.java URL PID LOG [SECONDS_PER_ATTACK] [ATTACKS|all]");
      System.exit(64);
    }
    URI uri = URI.create(args[0]);
    host = uri.getHost();
    port = uri.getPort() < 0 ? 80 : uri.getPort();
    base = "http://" + host + ":" + port;
    addr = new InetSocketAddress(host, port);
    pid = Long.parseLong(args[1]);
    logPath = Path.of(args[2]);
    seconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    Set<String> only = args.length > 4 && !args[4].equals("all") ? Set.of(args[4].split(",")) : null;

    List<Spec> specs = List.of(
        new Spec("1", "escapes", null, Abuse::escapes, null),
        new Spec("2", "garbage", Abuse::garbageBefore, Abuse::garbage, Abuse::garbageAfter),
        new Spec("3", "cors-simple", Abuse::corsBefore, Abuse::cors, Abuse::corsAfter),
        new Spec("4", "early-close", null, Abuse::earlyClose, null),
        new Spec("5", "idle-2000", null, Abuse::idle, null),
        new Spec("6", "slowloris", null, Abuse::slowloris, null),
        new Spec("7", "slow-body", null, Abuse::slowBody, null),
        new Spec("8", "oversize", null, Abuse::oversize, null),
        new Spec("9", "churn", null, Abuse::churn, null),
        new Spec("10", "h2c", null, Abuse::h2c, null));

    System.out.printf("KVS abuse run %s against %s (pid %d, log %s), %d s per attack, %d cores%n",
        RUN, base, pid, logPath, seconds, Runtime.getRuntime().availableProcessors());
    if (!alive()) {
      System.out.println("the service (pid " + pid + ") is not running");
      System.exit(2);
    }
    Normal normal = new Normal(8);
    normal.start();
    Thread.sleep(8_000); // warm-up: the normal client's keys exist, both JVMs have compiled the hot paths
    long rssStart = rssKb();
    List<Row> rows = new ArrayList<>();
    rows.add(phase(normal, new Spec("0", "baseline", null, c -> { }, null)));
    boolean died = !rows.get(0).alive;
    for (Spec spec : specs) {
      if (died) {
        break;
      }
      if (only != null && !only.contains(spec.id)) {
        continue;
      }
      Row row = phase(normal, spec);
      rows.add(row);
      died = !row.alive;
    }
    normal.stop();
    long rssEnd = rssKb();

    System.out.println();
    System.out.println("== summary (normal client: 8 threads, keep-alive, 30% PUT / 70% GET of its own keys)");
    System.out.println(Row.header());
    long attackerRequests = 0;
    long att5xx = 0;
    long norm5xx = 0;
    for (Row row : rows) {
      System.out.println(row.line());
      attackerRequests += row.sent;
      att5xx += row.att5xx;
      norm5xx += row.norm5xx;
    }
    System.out.printf("TOTAL attacker requests/connections %d, 5xx %d (attacker %d, normal client %d), RSS start %s MB, end %s MB, service %s%n",
        attackerRequests, att5xx + norm5xx, att5xx, norm5xx, mb(rssStart), mb(rssEnd), died ? "DIED" : "alive");
    System.out.flush();
    System.exit(died ? 2 : att5xx + norm5xx > 0 ? 1 : 0);
  }

  // ---------------------------------------------------------------------------------------------
  // Phases, rows and the normal client

  interface Step {
    void go(Ctx c) throws Exception;
  }

  record Spec(String id, String name, Step before, Step run, Step after) { }

  record Row(String name, long sent, long att5xx, long norm5xx, String statuses, NormalStats normal,
      long rssBefore, long rssAfter, long fdsBefore, long fdsPeak, long fdsAfter, int errors, boolean alive) {
    static String header() {
      return String.format("%-15s %7s %9s %8s %6s %6s %7s %5s %-10s %-14s %5s  %s", "attack", "sent",
          "5xx a/n", "norm r/s", "p50 ms", "p99 ms", "max ms", "fail", "RSS MB", "fds (peak)", "ERR", "attacker statuses");
    }

    String line() {
      return String.format("%-15s %7d %9s %8.0f %6.1f %6.1f %7.1f %5d %-10s %-14s %5d  %s%s", name, sent,
          att5xx + "/" + norm5xx, normal.rps, normal.p50, normal.p99, normal.max, normal.fail,
          mb(rssBefore) + ">" + mb(rssAfter), fdsBefore + ">" + fdsAfter + " (" + fdsPeak + ")", errors,
          statuses.isEmpty() ? "-" : statuses,
          alive ? "" : "  SERVICE DIED");
    }
  }

  static Row phase(Normal normal, Spec spec) {
    Ctx c = new Ctx(spec.id.equals("0") ? "baseline" : spec.id + "-" + spec.name);
    if (spec.before != null) {
      try {
        spec.before.go(c);
      } catch (Throwable e) {
        c.notes.add("preparation failed: " + e);
      }
    }
    long logFrom = logSize();
    long rssBefore = rssKb();
    long fdsBefore = fds();
    AtomicLong fdsPeak = new AtomicLong(fdsBefore);
    AtomicInteger sampling = new AtomicInteger(1);
    Thread sampler = new Thread(() -> {
      while (sampling.get() == 1) {
        fdsPeak.accumulateAndGet(fds(), Math::max);
        sleep(200);
      }
    }, "sampler");
    sampler.setDaemon(true);
    sampler.start();
    Window w = normal.begin();
    c.until = System.nanoTime() + seconds * 1_000_000_000L;
    try {
      spec.run.go(c);
    } catch (Throwable e) {
      c.notes.add("attack aborted: " + e);
    }
    sleepUntil(c.until);
    NormalStats ns = normal.end(w);
    sampling.set(0);
    long rssAfter = rssKb();
    if (spec.after != null) {
      try {
        spec.after.go(c);
      } catch (Throwable e) {
        c.notes.add("check after the attack failed: " + e);
      }
    }
    sleep(500); // late log lines, connections the server is still closing
    long fdsAfter = fds();
    LogScan log = scanLog(logFrom);
    boolean alive = alive();
    Row row = new Row(c.name, c.sent.sum(), c.fiveXx.sum(), ns.fiveXx, histogram(c.outcomes, 9), ns,
        rssBefore, rssAfter, fdsBefore, fdsPeak.get(), fdsAfter, log.errors, alive);
    System.out.println();
    System.out.println(Row.header());
    System.out.println(row.line());
    if (ns.fail > 0) {
      System.out.println("    normal client failures: " + histogram(ns.bad, 8));
    }
    if (!c.fiveXxSamples.isEmpty()) {
      System.out.println("    5xx on: " + top(c.fiveXxSamples, 6));
    }
    if (!c.timeoutSamples.isEmpty()) {
      System.out.println("    no answer within the read timeout to: " + top(c.timeoutSamples, 4));
    }
    c.variants.forEach((variant, counts) -> System.out.println("    " + variant + ": " + histogram(counts, 10)));
    for (String note : c.notes) {
      System.out.println("    " + note);
    }
    if (log.errors > 0) {
      System.out.println("    log: " + log.errors + " ERROR lines: " + top(log.errorSamples, 3));
    }
    if (log.bytes > 100_000) {
      System.out.printf("    log: grew by %.1f MB during the attack%n", log.bytes / 1048576.0);
    }
    if (log.warns > 0) {
      System.out.println("    log: " + log.warns + " WARN lines: " + top(log.warnSamples, 2));
    }
    if (!alive) {
      System.out.println("    THE SERVICE IS NO LONGER RUNNING");
    }
    System.out.flush();
    return row;
  }

  /** What one attack saw; shared by its worker threads. */
  static final class Ctx {
    final String name;
    volatile long until;
    final LongAdder sent = new LongAdder();
    final LongAdder fiveXx = new LongAdder();
    final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    final Map<String, Map<String, LongAdder>> variants = Collections.synchronizedMap(new LinkedHashMap<>());
    final Map<String, LongAdder> fiveXxSamples = new ConcurrentHashMap<>();
    final Map<String, LongAdder> timeoutSamples = new ConcurrentHashMap<>();
    final List<String> notes = Collections.synchronizedList(new ArrayList<>());
    final Map<String, Object> state = new ConcurrentHashMap<>();

    Ctx(String name) {
      this.name = name;
    }

    boolean over() {
      return System.nanoTime() >= until;
    }

    long remainingMs() {
      return Math.max(0, (until - System.nanoTime()) / 1_000_000);
    }

    /** An HTTP status the attacker got; {@code what} names the request when it is a 5xx. */
    void status(String variant, int status, String what) {
      outcome(variant, Integer.toString(status));
      if (status >= 500 && status <= 599 && !(status == 501 && madeUpMethod(what))) {
        fiveXx.increment();
        count(fiveXxSamples, status + " " + (what == null ? variant : what));
      }
    }

    void outcome(String variant, String outcome) {
      count(outcomes, outcome);
      if (variant != null) {
        count(variants.computeIfAbsent(variant, v -> new ConcurrentHashMap<>()), outcome);
      }
    }

    void failure(String variant, Throwable e) {
      outcome(variant, outcomeOf(e));
    }

    /** A failure of the request {@code what}; timeouts (the server kept a well-framed request unanswered) are kept as samples. */
    void failure(String variant, Throwable e, String what) {
      String o = outcomeOf(e);
      outcome(variant, o);
      if (o.equals("timeout")) {
        count(timeoutSamples, what);
      }
    }

    /** A figure shown only under its variant, not in the row's histogram. */
    void detail(String variant, String outcome) {
      count(variants.computeIfAbsent(variant, v -> new ConcurrentHashMap<>()), outcome);
    }
  }

  record NormalStats(long count, long fail, long fiveXx, double rps, double p50, double p99, double max,
      Map<String, LongAdder> bad) { }

  static final class Window {
    final LongList[] latencies;
    final LongAdder fail = new LongAdder();
    final LongAdder fiveXx = new LongAdder();
    final Map<String, LongAdder> bad = new ConcurrentHashMap<>();
    final long start = System.nanoTime();

    Window(int threads) {
      latencies = new LongList[threads];
      for (int i = 0; i < threads; i++) {
        latencies[i] = new LongList();
      }
    }
  }

  static final class LongList {
    private long[] values = new long[4096];
    private int size;

    synchronized void add(long v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    synchronized long[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }

  /**
   * The well-behaved client: each thread PUTs and GETs its own keys over keep-alive connections,
   * with a proper Content-Type, and checks that a GET returns what it last wrote.
   */
  static final class Normal {
    static final int KEYS = 64;
    final int threads;
    final String ns = "abuse-normal-" + RUN;
    final List<Thread> running = new ArrayList<>();
    volatile boolean stop;
    volatile Window window;

    Normal(int threads) {
      this.threads = threads;
    }

    void start() {
      for (int t = 0; t < threads; t++) {
        int id = t;
        Thread thread = new Thread(() -> loop(id), "normal-" + t);
        thread.setDaemon(true);
        thread.start();
        running.add(thread);
      }
    }

    void stop() throws InterruptedException {
      stop = true;
      for (Thread t : running) {
        t.join(15_000);
      }
    }

    Window begin() {
      Window w = new Window(threads);
      window = w;
      return w;
    }

    NormalStats end(Window w) {
      window = null;
      long elapsed = System.nanoTime() - w.start;
      long[] all = Arrays.stream(w.latencies).map(LongList::toArray).flatMapToLong(Arrays::stream).sorted().toArray();
      long fails = w.fail.sum();
      return new NormalStats(all.length, fails, w.fiveXx.sum(), (all.length + fails) / (elapsed / 1e9),
          percentile(all, 0.50), percentile(all, 0.99), all.length == 0 ? 0 : all[all.length - 1] / 1e6, w.bad);
    }

    static double percentile(long[] sorted, double p) {
      if (sorted.length == 0) {
        return 0;
      }
      int i = (int) Math.ceil(p * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    void loop(int t) {
      Random rnd = new Random(t);
      long[] last = new long[KEYS];
      Arrays.fill(last, -1); // -1: never written, -2: the last write's outcome is unknown
      long n = 0;
      while (!stop) {
        int k = rnd.nextInt(KEYS);
        boolean put = last[k] < 0 || rnd.nextInt(10) < 3;
        long value = ++n;
        URI uri = URI.create(base + "/v1/ns/" + ns + "/kv/n" + t + "-" + k);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        HttpRequest request = put
            ? b.PUT(HttpRequest.BodyPublishers.ofString("{\"value\":" + value + "}")).header("Content-Type", "application/json").build()
            : b.GET().build();
        Window w = window;
        long t0 = System.nanoTime();
        try {
          HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
          long dt = System.nanoTime() - t0;
          int s = r.statusCode();
          boolean ok = s == 200 && (put || r.body().contains("\"value\":" + last[k] + ","));
          if (put) {
            last[k] = s == 200 ? value : s >= 500 ? -2 : last[k];
          }
          if (w != null) {
            if (ok) {
              w.latencies[t].add(dt);
            } else {
              w.fail.increment();
              count(w.bad, s == 200 ? "stale-read" : Integer.toString(s));
              if (s >= 500) {
                w.fiveXx.increment();
              }
            }
          }
        } catch (Exception e) {
          if (put) {
            last[k] = -2;
          }
          if (w != null) {
            w.fail.increment();
            count(w.bad, outcomeOf(e));
          }
          sleep(20);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Attack 1: broken percent-escapes in every part of the URL

  static final String[] BAD_ESCAPES = {"%", "%%", "%zz", "%4", "a%", "%%41", "%4g", "%2", "%%%", "%u0041",
      "%c3%28", "%ff%fe", "%e2%82", "%ed%a0%80", "%c0%af", "%00", "a%00b", "%0", "%%zz%"};

  static void escapes(Ctx c) throws Exception {
    String ns = "abuse-esc-" + RUN;
    String[][] templates = {
        {"GET", "/v1/ns/" + ns + "/kv?cursor={B}"},
        {"GET", "/v1/ns/" + ns + "/kv?prefix={B}"},
        {"GET", "/v1/ns/" + ns + "/kv?limit={B}"},
        {"GET", "/v1/ns/" + ns + "/kv?{B}=1"},
        {"GET", "/v1/ns/" + ns + "/kv?{B}"},
        {"GET", "/v1/ns/" + ns + "/kv?prefix=a&cursor={B}&limit=2"},
        {"GET", "/v1/ns/" + ns + "/kv/{B}"},
        {"GET", "/v1/ns/" + ns + "/kv/x{B}y"},
        {"PUT", "/v1/ns/" + ns + "/kv/{B}"},
        {"PUT", "/v1/ns/" + ns + "/kv/k{B}?x={B}"},
        {"PUT", "/v1/ns/" + ns + "/kv/k?{B}"},
        {"POST", "/v1/ns/" + ns + "/bulk/get?cursor={B}"},
        {"DELETE", "/v1/ns/" + ns + "/kv/{B}"},
        {"GET", "/v1/ns/{B}/kv/k"},
        {"PUT", "/v1/ns/{B}/kv/k"},
        {"DELETE", "/v1/ns/{B}/kv/k"},
        {"GET", "/v1/ns/{B}/kv"},
        {"GET", "/v1/ns/{B}/kv?prefix={B}"},
        {"POST", "/v1/ns/{B}/bulk/get"},
        {"POST", "/v1/ns/{B}/bulk/write"},
        {"POST", "/v1/ns/{B}/bulk/delete"},
        {"POST", "/v1/ns/" + ns + "/bulk/{B}"},
        {"GET", "/v1/{B}/" + ns + "/kv/k"},
        {"GET", "/{B}"},
        {"GET", "/health/ready{B}"},
        {"GET", "/health/live?{B}"},
        {"GET", "/metrics?x={B}"},
        {"GET", "/openapi.yaml{B}"},
        {"GET", "/v1/ns/" + ns + "/kv/k?{B}"},
        {"GET", "/v1/ns/" + ns + "/kv/k#{B}"},
    };
    KeepAlive[] conns = new KeepAlive[4];
    try {
      workers(c, conns.length, (rnd, id) -> {
        if (conns[id] == null) {
          conns[id] = new KeepAlive(2_000);
        }
        String[] t = templates[rnd.nextInt(templates.length)];
        String bad = BAD_ESCAPES[rnd.nextInt(BAD_ESCAPES.length)];
        String target = t[1].replace("{B}", bad);
        byte[] body = switch (t[0]) {
          case "PUT" -> ascii("{\"value\":1}");
          case "POST" -> t[1].endsWith("write") ? ascii("{\"items\":[{\"key\":\"k\",\"value\":1}]}") : ascii("{\"keys\":[\"k\"]}");
          default -> null;
        };
        // now and then a form content type: the body handler then decodes the query string too
        String ct = body == null ? null : rnd.nextInt(8) == 0 ? "application/x-www-form-urlencoded" : "application/json";
        String what = t[0] + " " + target + (ct != null && ct.startsWith("application/x") ? " (form body)" : "");
        c.sent.increment();
        try {
          Resp r = conns[id].exchange(request(t[0], target, ct, body), false);
          c.status(null, r.status, what);
        } catch (IOException e) {
          c.failure(null, e, what);
        }
      });
    } finally {
      closeAll(conns);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Attack 2: random garbage

  static final String[] STD_METHODS = {"GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS", "PATCH", "TRACE",
      "PROPFIND", "GET", "PUT", "POST"};
  static final String[] JSON_CT = {"application/json", "application/json", "application/json; charset=utf-8",
      "application/JSON", "application/json; charset=latin1", "application/merge-patch+json"};
  static final String[] ANY_CT = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=zz",
      "*/*", "application/octet-stream", ";;;", "application/json; charset=\u00ff", "text/html", "application/json"};

  /** Bodies for PUT /kv/{key}: out-of-range numbers, broken JSON, NUL, lone surrogates, invalid UTF-8. */
  static final String[] PUT_BODIES = {
      "{\"value\":1,\"operator\":\"<\",\"unixtimeMs\":9224318016000001}",
      "{\"value\":1,\"operator\":\">\",\"unixtimeMs\":-9224318016000001}",
      "{\"value\":1,\"operator\":\"=\",\"unixtimeMs\":-9223372036854775808}",
      "{\"value\":1,\"operator\":\">=\",\"unixtimeMs\":9223372036854775807}",
      "{\"value\":1,\"operator\":\"<=\",\"unixtimeMs\":1e300}",
      "{\"value\":1,\"operator\":\"<\",\"unixtimeMs\":\"soon\"}",
      "{\"value\":1,\"operator\":\"~\",\"unixtimeMs\":1}",
      "{\"value\":1,\"operator\":\"<\"}",
      "{\"value\":1,\"unixtimeMs\":5}",
      "{\"value\":1,\"minutesToExpire\":-1}",
      "{\"value\":1,\"minutesToExpire\":0}",
      "{\"value\":1,\"minutesToExpire\":9223372036854775807}",
      "{\"value\":1,\"minutesToExpire\":99999999999999999999999999}",
      "{\"value\":1,\"minutesToExpire\":1e400}",
      "{\"value\":1,\"minutesToExpire\":1.5}",
      "{\"value\":1,\"expiresAt\":-1}",
      "{\"value\":1,\"expiresAt\":0}",
      "{\"value\":1,\"expiresAt\":9223372036854775807}",
      "{\"value\":1,\"expiresAt\":-9223372036854775808}",
      "{\"value\":1,\"expiresAt\":253402300800000}",
      "{\"value\":1,\"expiresAt\":\"2030-01-01T00:00:00Z\"}",
      "{\"value\":1,\"expiresAt\":1e20,\"minutesToExpire\":5}",
      "{\"value\":1e999999}",
      "{\"value\":-1e-999999}",
      "{\"value\":123456789012345678901234567890123456789}",
      "{\"value\":\"\\u0000\"}",
      "{\"value\":{\"\\u0000\":1}}",
      "{\"value\":\"\\ud800\"}",
      "{\"value\":\"\\udc00\\ud800\"}",
      "{\"value\":1,\"metadata\":{\"a\":\"\\u0000\"}}",
      "{\"value\":1,\"metadata\":[1,2]}",
      "{\"value\":1,\"metadata\":\"x\"}",
      "{\"value\":1,\"metadata\":null}",
      "{\"value\":null}",
      "{}",
      "[]",
      "null",
      "\"\"",
      "",
      "{\"value\":1}{\"value\":2}",
      "{\"value\":1,\"value\":2}",
      "{\"value\":1,",
      "{\"value\":1,\"extra\":true}",
      "{\"value\":\"\u00c3(\"}",
      "{\"value\":\"\u00ff\"}",
      "{\"value\":\"\u00c0\u00af\"}",
      "{\"value\":\"\u00ed\u00a0\u0080\"}",
      "\u00ef\u00bb\u00bf{\"value\":1}",
      "{\"value\":1,\"metadata\":{\"\u00ff\":1}}",
  };
  static final String[] BULK_WRITE_BODIES = {
      "{\"items\":[{\"key\":\"a\",\"value\":1},{\"key\":\"a\",\"value\":2}]}",
      "{\"items\":[{\"key\":\"a\\u0000b\",\"value\":1}]}",
      "{\"items\":[{\"key\":\"\",\"value\":1}]}",
      "{\"items\":[{\"key\":\"" + "x".repeat(2000) + "\",\"value\":1}]}",
      "{\"items\":[{\"key\":1,\"value\":1}]}",
      "{\"items\":[{\"value\":1}]}",
      "{\"items\":[]}",
      "{\"items\":null}",
      "{\"items\":{}}",
      "{\"items\":[null]}",
      "{\"items\":[{\"key\":\"k\",\"value\":1,\"expiresAt\":-9223372036854775808}]}",
      "{\"items\":[{\"key\":\"k\",\"value\":1,\"operator\":\"<\",\"unixtimeMs\":9224318016000001}]}",
      "{\"items\":[{\"key\":\"k\",\"value\":1,\"minutesToExpire\":1e400}]}",
      "{\"items\":[{\"key\":\"k\",\"value\":\"\\ud800\"}]}",
      "{\"items\":[{\"key\":\"\u00ff\",\"value\":1}]}",
      "{\"items\":[{\"key\":\"\\ud800\",\"value\":1}]}",
  };
  static final String[] KEYS_BODIES = {
      "{\"keys\":[\"a\",\"a\"]}",
      "{\"keys\":[\"a\\u0000\"]}",
      "{\"keys\":[null]}",
      "{\"keys\":[1]}",
      "{\"keys\":\"a\"}",
      "{\"keys\":[]}",
      "{\"keys\":[\"\u00ff\"]}",
      "{\"keys\":[\"\\ud800\"]}",
      "{\"keys\":[\"\"]}",
      "{\"keys\":[[]]}",
  };
  static final String[] LIST_QUERIES = {"limit=-1", "limit=0", "limit=1001", "limit=99999999999999999999", "limit=1e3",
      "limit=", "limit=%20", "cursor=AAAA", "cursor=!!!", "cursor=_w", "cursor=AA", "cursor=" + "A".repeat(3000),
      "cursor=" + Base64.getUrlEncoder().encodeToString(new byte[] {0, (byte) 0xff, 1}), "prefix=" + "p".repeat(600),
      "prefix=%00", "prefix=%ff", "prefix=a&prefix=b", "limit=1&limit=2", "cursor=&prefix=", "prefix=%ed%a0%80"};

  static final Map<String, byte[]> DEEP = new ConcurrentHashMap<>();

  static byte[] deep(String kind, int depth) {
    return DEEP.computeIfAbsent(kind + depth, k -> ascii(switch (kind) {
      case "array" -> "{\"value\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
      case "object" -> "{\"value\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}";
      case "bulk" -> "{\"items\":[{\"key\":\"deep\",\"value\":" + "[".repeat(depth) + "]".repeat(depth) + "}]}";
      case "keys" -> "{\"keys\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
      default -> throw new IllegalArgumentException(kind);
    }));
  }

  record Gen(String method, String target, byte[] bytes, boolean fresh, String desc) { }

  static Gen garbageRequest(Random r, String ns, Set<String> madeUp) {
    String ct = r.nextInt(5) == 0 ? ANY_CT[r.nextInt(ANY_CT.length)] : JSON_CT[r.nextInt(JSON_CT.length)];
    if (r.nextInt(100) < 60) { // well framed, aimed at the parsers behind the API
      String method;
      String target;
      byte[] body;
      switch (r.nextInt(7)) {
        case 0, 1 -> {
          method = "PUT";
          target = "/v1/ns/" + ns + "/kv/g" + r.nextInt(100);
          int d = r.nextInt(12);
          body = d == 0 ? deep("array", pick(r, 100, 999, 1001, 5000, 20000))
              : d == 1 ? deep("object", pick(r, 100, 1001, 5000)) : latin1(PUT_BODIES[r.nextInt(PUT_BODIES.length)]);
        }
        case 2 -> {
          method = "POST";
          target = "/v1/ns/" + ns + "/bulk/write";
          body = r.nextInt(6) == 0 ? deep("bulk", pick(r, 1001, 100_000, 2_000_000)) : latin1(BULK_WRITE_BODIES[r.nextInt(BULK_WRITE_BODIES.length)]);
        }
        case 3 -> {
          method = "POST";
          target = "/v1/ns/" + ns + (r.nextBoolean() ? "/bulk/get" : "/bulk/delete");
          body = r.nextInt(6) == 0 ? deep("keys", pick(r, 1001, 100_000)) : latin1(KEYS_BODIES[r.nextInt(KEYS_BODIES.length)]);
        }
        case 4 -> {
          method = "GET";
          target = "/v1/ns/" + ns + "/kv?" + LIST_QUERIES[r.nextInt(LIST_QUERIES.length)];
          body = null;
        }
        default -> {
          method = randomMethod(r, madeUp);
          String[] paths = {"/v1/ns/" + ns + "/kv/k", "/v1/ns/" + ns + "/kv", "/v1/ns/" + ns + "/bulk/get", "/metrics",
              "/health/ready", "/openapi.yaml", "/"};
          target = paths[r.nextInt(paths.length)];
          body = r.nextBoolean() ? null : ascii("{\"value\":1}");
        }
      }
      boolean fresh = method.equals("HEAD") || !isToken(method);
      return new Gen(method, target, request(method, target, body == null ? null : ct, body), fresh,
          method + " " + cut(target, 70) + (body == null ? "" : " " + cut(new String(body, StandardCharsets.ISO_8859_1), 70)));
    }
    // random: method, raw target, query, headers, body
    if (r.nextInt(20) == 0) { // not even a request line
      byte[] junk = randomBytes(r, 1 + r.nextInt(300));
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.writeBytes(junk);
      b.writeBytes(ascii("\r\n\r\n"));
      return new Gen("junk", "", b.toByteArray(), true, "junk line of " + junk.length + " bytes");
    }
    String method = randomMethod(r, madeUp);
    String target = randomTarget(r, ns);
    byte[] body = switch (r.nextInt(4)) {
      case 0 -> null;
      case 1 -> randomBytes(r, r.nextInt(600));
      default -> latin1(PUT_BODIES[r.nextInt(PUT_BODIES.length)]);
    };
    String contentType = r.nextInt(4) == 0 ? null : r.nextBoolean() ? ct : ANY_CT[r.nextInt(ANY_CT.length)];
    boolean fresh = method.equals("HEAD") || !isToken(method) || target.indexOf(' ') >= 0;
    List<String> extra = new ArrayList<>();
    if (r.nextInt(10) == 0) {
      extra.add("Expect: 100-continue");
    }
    byte[] bytes;
    int framing = r.nextInt(20);
    if (framing == 0 && body != null) { // two different lengths
      bytes = raw(method + " " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\nContent-Length: "
          + (body.length + 7) + "\r\n\r\n", body);
      fresh = true;
    } else if (framing == 1 && body != null) { // length and chunked together
      bytes = raw(method + " " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
          + Integer.toHexString(body.length) + "\r\n", body, ascii("\r\n0\r\n\r\n"));
      fresh = true;
    } else if (framing == 2) { // a broken chunk size
      bytes = raw(method + " " + target + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
      fresh = true;
    } else if (framing == 3) { // header lines a strict parser refuses
      String[] weird = {"NoColonHere", "X-Folded: a\r\n  b", " Leading: space", "X-Nul: a\u0000b", "Bad Name: x", ": empty",
          "X-High: \u00ff\u00fe", "Host: a\r\nHost: b", "Transfer-Encoding: gzip, chunked"};
      String header = weird[r.nextInt(weird.length)];
      bytes = raw(method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + header + "\r\n\r\n" + (header.contains("chunked") ? "0\r\n\r\n" : ""));
      fresh = true;
    } else if (framing == 4) { // bare LF line ends, or HTTP/1.0, or a made-up version
      String[] versions = {"HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "HTTP/9.9", "http/1.1", "HTTP/1.1\n", "HTX/1.1"};
      bytes = raw(method + " " + target + " " + versions[r.nextInt(versions.length)] + "\nHost: x\n\n");
      fresh = true;
    } else {
      bytes = request(method, target, contentType, body, extra.toArray(String[]::new));
    }
    return new Gen(method, target, bytes, fresh, cut(method, 20) + " " + cut(target, 70)
        + (contentType == null || framing < 5 ? "" : " [" + contentType + (extra.isEmpty() ? "" : ", " + extra.get(0)) + "]")
        + (body == null ? "" : " " + cut(new String(body, StandardCharsets.ISO_8859_1), 50)));
  }

  static String randomMethod(Random r, Set<String> madeUp) {
    int x = r.nextInt(20);
    if (x < 10) {
      return STD_METHODS[r.nextInt(STD_METHODS.length)];
    }
    String m;
    if (x < 16) {
      m = "M" + r.nextInt(1_000_000);
    } else if (x < 18) {
      StringBuilder b = new StringBuilder();
      for (int i = 1 + r.nextInt(24); i > 0; i--) {
        b.append((char) ('A' + r.nextInt(26)));
      }
      m = b.toString();
    } else {
      String[] weird = {"get", "Get", "GE T", "GET\u0000", "G\u00c9T", "-", "GET,POST", "A".repeat(300), "CONNECT", "PRI", "\u00ff"};
      m = weird[r.nextInt(weird.length)];
    }
    madeUp.add(m);
    return m;
  }

  static String randomTarget(Random r, String ns) {
    String[] bases = {"/v1/ns/" + ns + "/kv/", "/v1/ns/", "/v1/ns/" + ns + "/bulk/", "/", "/health/", "/metrics",
        "/openapi.yaml", "*", "http://evil.example/x", "//", "/v1/ns/" + ns + "/kv", "/../../etc/passwd", "/v1/ns/./kv/..",
        "/v1/ns/" + ns + "/kv/a/b/c", ""};
    StringBuilder b = new StringBuilder(bases[r.nextInt(bases.length)]);
    boolean nasty = r.nextInt(10) == 0;
    for (int i = r.nextInt(40); i > 0; i--) {
      b.append(nasty ? (char) r.nextInt(256) : (char) (33 + r.nextInt(94)));
    }
    if (r.nextBoolean()) {
      b.append('?');
      for (int i = r.nextInt(4); i >= 0; i--) {
        String[] keys = {"prefix", "cursor", "limit", "x", "", "%", "prefix[]", "limit"};
        b.append(keys[r.nextInt(keys.length)]);
        if (r.nextInt(4) > 0) {
          b.append('=');
          for (int j = r.nextInt(20); j > 0; j--) {
            b.append((char) (33 + r.nextInt(94)));
          }
        }
        b.append(r.nextInt(5) == 0 ? "&&" : "&");
      }
    }
    String target = b.toString().replace("\r", "").replace("\n", "");
    return target.isEmpty() ? "/" : target;
  }

  /** With ABUSE_DUMP=dir, the exact bytes of requests that got no answer (a timeout, or the connection closed) go there. */
  static final String DUMP = System.getenv("ABUSE_DUMP");
  static final AtomicInteger DUMPED = new AtomicInteger();

  static void dump(String outcome, byte[] request) {
    if (DUMP == null || !(outcome.equals("timeout") || outcome.equals("eof")) || DUMPED.incrementAndGet() > 50) {
      return;
    }
    try {
      Files.createDirectories(Path.of(DUMP));
      Files.write(Path.of(DUMP, outcome + "-" + DUMPED.get() + ".bin"), request);
    } catch (IOException ignored) {
      // a debugging aid only
    }
  }

  static void garbageBefore(Ctx c) throws Exception {
    c.state.put("metrics", metricsSize());
  }

  static void garbage(Ctx c) throws Exception {
    String ns = "abuse-garbage-" + RUN;
    Set<String> madeUp = ConcurrentHashMap.newKeySet();
    c.state.put("madeUp", madeUp);
    KeepAlive[] conns = new KeepAlive[4];
    try {
      workers(c, conns.length, (rnd, id) -> {
        Gen g = garbageRequest(rnd, ns, madeUp);
        c.sent.increment();
        boolean head = g.method.equals("HEAD");
        try {
          if (g.fresh) {
            try (Raw raw = new Raw(3_000, 6_000)) {
              raw.send(g.bytes);
              Resp r = raw.read(head);
              c.status(null, r.status, g.desc);
            }
          } else {
            if (conns[id] == null) {
              conns[id] = new KeepAlive(3_000);
            }
            Resp r = conns[id].exchange(g.bytes, head);
            c.status(null, r.status, g.desc);
          }
        } catch (IOException e) {
          c.failure(null, e, printable(g.desc));
          dump(outcomeOf(e), g.bytes);
        }
      });
    } finally {
      closeAll(conns);
    }
  }

  @SuppressWarnings("unchecked")
  static void garbageAfter(Ctx c) throws Exception {
    long[] before = (long[]) c.state.get("metrics");
    long[] after = metricsSize();
    Set<String> madeUp = (Set<String>) c.state.get("madeUp");
    c.notes.add(String.format("/metrics: %d bytes / %d lines before, %d bytes / %d lines after (%+d lines) with %d distinct made-up methods sent",
        before[0], before[1], after[0], after[1], after[1] - before[1], madeUp == null ? 0 : madeUp.size()));
  }

  static long[] metricsSize() throws Exception {
    HttpResponse<byte[]> r = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    long lines = 0;
    for (byte b : r.body()) {
      if (b == '\n') {
        lines++;
      }
    }
    return new long[] {r.body().length, lines};
  }

  // ---------------------------------------------------------------------------------------------
  // Attack 3: CORS "simple requests" (what a browser sends cross-site without a preflight)

  static final String[] CORS_CT = {"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=zz", null};
  static final int VICTIMS = 5;
  static final int CORS_KEYS = 300;

  static String ctName(int i) {
    return CORS_CT[i] == null ? "(none)" : CORS_CT[i];
  }

  static void corsBefore(Ctx c) throws Exception {
    String ns = "abuse-cors-" + RUN;
    int written = 0;
    for (int i = 0; i < CORS_CT.length; i++) {
      for (int j = 0; j < VICTIMS; j++) {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/v1/ns/" + ns + "/kv/victim-" + i + "-" + j))
            .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"victim\"}")).build(), HttpResponse.BodyHandlers.ofString());
        written += r.statusCode() == 200 ? 1 : 0;
      }
    }
    c.state.put("victims", written);
  }

  static void cors(Ctx c) throws Exception {
    String ns = "abuse-cors-" + RUN;
    Map<String, Boolean> attempted = new ConcurrentHashMap<>();
    c.state.put("attempted", attempted);
    LongAdder acao = new LongAdder();
    c.state.put("acao", acao);
    KeepAlive[] conns = new KeepAlive[2];
    try {
      workers(c, conns.length, (rnd, id) -> {
        if (conns[id] == null) {
          conns[id] = new KeepAlive(3_000);
        }
        int ct = rnd.nextInt(CORS_CT.length);
        int op = rnd.nextInt(3);
        int n = rnd.nextInt(CORS_KEYS);
        String method;
        String target;
        String body;
        String key = null;
        switch (op) {
          case 0 -> {
            key = "put-" + ct + "-" + n;
            method = "PUT";
            target = "/v1/ns/" + ns + "/kv/" + key;
            body = "{\"value\":\"cors\"}";
          }
          case 1 -> {
            key = "bulk-" + ct + "-" + n;
            method = "POST";
            target = "/v1/ns/" + ns + "/bulk/write";
            body = "{\"items\":[{\"key\":\"" + key + "\",\"value\":\"cors\"}]}";
          }
          default -> {
            method = "POST";
            target = "/v1/ns/" + ns + "/bulk/delete";
            StringBuilder keys = new StringBuilder();
            for (int j = 0; j < VICTIMS; j++) {
              keys.append(j == 0 ? "" : ",").append("\"victim-").append(ct).append('-').append(j).append('"');
            }
            body = "{\"keys\":[" + keys + "]}";
          }
        }
        if (key != null) {
          attempted.put(key, true);
        }
        c.sent.increment();
        Resp r = conns[id].exchange(request(method, target, CORS_CT[ct], ascii(body), "Origin: http://evil.example"), false);
        if (r.headers.containsKey("access-control-allow-origin")) {
          acao.increment();
        }
        c.status(new String[] {"PUT", "bulk/write", "bulk/delete"}[op] + " statuses", r.status, method + " " + target);
      });
    } finally {
      closeAll(conns);
    }
  }

  @SuppressWarnings("unchecked")
  static void corsAfter(Ctx c) throws Exception {
    String ns = "abuse-cors-" + RUN;
    Map<String, Boolean> attempted = (Map<String, Boolean>) c.state.get("attempted");
    List<String> keys = new ArrayList<>(attempted.keySet());
    for (int i = 0; i < CORS_CT.length; i++) {
      for (int j = 0; j < VICTIMS; j++) {
        keys.add("victim-" + i + "-" + j);
      }
    }
    Set<String> present = ConcurrentHashMap.newKeySet();
    for (int from = 0; from < keys.size(); from += 100) {
      List<String> batch = keys.subList(from, Math.min(keys.size(), from + 100));
      String body = "{\"keys\":[" + String.join(",", batch.stream().map(k -> "\"" + k + "\"").toList()) + "]}";
      HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/v1/ns/" + ns + "/bulk/get"))
          .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException("bulk get answered " + r.statusCode() + ": " + cut(r.body(), 200));
      }
      for (String k : batch) {
        // a present record reads "key":{"value":...; an absent one "key":null
        if (r.body().contains("\"" + k + "\":{")) {
          present.add(k);
        }
      }
    }
    int landed = 0;
    StringBuilder per = new StringBuilder();
    for (String op : new String[] {"put", "bulk"}) {
      for (int i = 0; i < CORS_CT.length; i++) {
        int tried = 0;
        int found = 0;
        for (String k : attempted.keySet()) {
          if (k.startsWith(op + "-" + i + "-")) {
            tried++;
            found += present.contains(k) ? 1 : 0;
          }
        }
        landed += found;
        if (found > 0) {
          per.append(String.format(" %s %s %d/%d;", op.equals("put") ? "PUT" : "bulk/write", ctName(i), found, tried));
        }
      }
    }
    int deleted = 0;
    StringBuilder victims = new StringBuilder();
    for (int i = 0; i < CORS_CT.length; i++) {
      int gone = 0;
      for (int j = 0; j < VICTIMS; j++) {
        gone += present.contains("victim-" + i + "-" + j) ? 0 : 1;
      }
      deleted += gone;
      if (gone > 0) {
        victims.append(String.format(" %s %d/%d;", ctName(i), gone, VICTIMS));
      }
    }
    c.notes.add(String.format("CORS check through a proper bulk get: %d of %d distinct keys written without application/json%s",
        landed, attempted.size(), landed == 0 ? " (good)" : " (BAD):" + per));
    c.notes.add(String.format("victims deleted by bulk/delete without application/json: %d of %d%s", deleted,
        (Integer) c.state.get("victims"), deleted == 0 ? " (good)" : " (BAD):" + victims));
    long acao = ((LongAdder) c.state.get("acao")).sum();
    if (acao > 0) {
      c.notes.add(acao + " answers carried Access-Control-Allow-Origin for Origin http://evil.example");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Attack 4: clients that go away early

  static void earlyClose(Ctx c) throws Exception {
    String ns = "abuse-early-" + RUN;
    workers(c, 4, (rnd, id) -> {
      int v = rnd.nextInt(9);
      c.sent.increment();
      String key = "/v1/ns/" + ns + "/kv/e" + rnd.nextInt(50);
      try (Raw raw = new Raw(2_000, 5_000)) {
        switch (v) {
          case 0 -> { // promises 10,000 bytes, sends 50, closes (FIN)
            raw.send(raw("PUT " + key + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{\"value\":\""
                + "a".repeat(40)));
            c.outcome("short body, FIN", "unread");
          }
          case 1 -> { // the same, then a reset
            raw.send(raw("PUT " + key + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{\"value\":\""
                + "a".repeat(40)));
            raw.resetOnClose();
            c.outcome("short body, RST", "unread");
          }
          case 2 -> { // a large bulk write cut after 1 KB
            raw.send(raw("POST /v1/ns/" + ns + "/bulk/write HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{\"items\":[",
                "{\"key\":\"k\",\"value\":1},".repeat(45)));
            c.outcome("bulk body cut, FIN", "unread");
          }
          case 3 -> { // chunked body, one chunk, then gone
            raw.send(raw("PUT " + key + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"val\r\n"));
            c.outcome("chunked cut, FIN", "unread");
          }
          case 4 -> { // a complete write, closed without reading the answer
            raw.send(request("PUT", key, "application/json", ascii("{\"value\":4}")));
            c.outcome("PUT, no read, FIN", "unread");
          }
          case 5 -> { // a complete list, reset without reading
            raw.send(request("GET", "/v1/ns/" + ns + "/kv?limit=1000", null, null));
            raw.resetOnClose();
            c.outcome("list, no read, RST", "unread");
          }
          case 6 -> { // a complete bulk get, reset a moment later (mid-answer)
            raw.send(request("POST", "/v1/ns/" + ns + "/bulk/get", "application/json", ascii("{\"keys\":[\"e1\",\"e2\",\"e3\"]}")));
            sleep(rnd.nextInt(3));
            raw.resetOnClose();
            c.outcome("bulk get, RST mid-answer", "unread");
          }
          case 7 -> { // half close: the request, then FIN, then read the answer (a legitimate pattern)
            try {
              raw.send(request("GET", key, null, null));
              raw.socket.shutdownOutput();
              Resp r = raw.read(false);
              c.status("half-close, then read", r.status, "GET " + key + " (half-closed)");
            } catch (IOException e) {
              c.failure("half-close, then read", e, "GET " + key + " (half-closed)");
            }
          }
          default -> { // ten pipelined requests, one answer read, then gone
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int i = 0; i < 10; i++) {
              b.writeBytes(request("GET", key, null, null));
            }
            try {
              raw.send(b.toByteArray());
              Resp r = raw.read(false);
              c.status("10 pipelined, 1 read", r.status, "GET " + key + " (pipelined)");
            } catch (IOException e) {
              c.failure("10 pipelined, 1 read", e, "GET " + key + " (pipelined)");
            }
          }
        }
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Attacks 5-7: connections held open

  static void idle(Ctx c) throws Exception {
    hold(c, 2_000, i -> new byte[0], null, 0, "idle connections");
  }

  static void slowloris(Ctx c) throws Exception {
    String ns = "abuse-slow-" + RUN;
    StringBuilder head = new StringBuilder();
    head.append("GET /v1/ns/").append(ns).append("/kv/slow HTTP/1.1\r\nHost: ").append(host).append("\r\nUser-Agent: slowloris\r\n");
    for (int i = 0; head.length() < 65_536; i++) {
      head.append("X-Slow-").append(i).append(": ").append("a".repeat(20)).append("\r\n");
    }
    byte[] script = ascii(head.toString());
    hold(c, 200, i -> new byte[0], i -> script, 1, "slowloris heads (1 byte/s)");
  }

  static void slowBody(Ctx c) throws Exception {
    String ns = "abuse-slowbody-" + RUN;
    byte[] body = ascii("{\"value\":\"" + "a".repeat(20_000));
    hold(c, 200, i -> ascii(i % 2 == 0
            ? "PUT /v1/ns/" + ns + "/kv/s" + i + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n"
            : "POST /v1/ns/" + ns + "/bulk/write HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n"),
        i -> body, 4, "slow bodies (Content-Length 10000, 4 bytes/s)");
  }

  /** A connection held open with non-blocking reads, so thousands can be watched from one thread. */
  static final class Held {
    final SocketChannel channel;
    final long opened = System.nanoTime();
    long closed = -1;
    String how;
    final ByteArrayOutputStream got = new ByteArrayOutputStream();
    int scriptPos;

    Held(SocketChannel channel) {
      this.channel = channel;
    }

    boolean open() {
      return closed < 0;
    }

    void poll(ByteBuffer buf) {
      if (!open()) {
        return;
      }
      try {
        for (;;) {
          buf.clear();
          int n = channel.read(buf);
          if (n < 0) {
            gone("closed by the server");
            return;
          }
          if (n == 0) {
            return;
          }
          if (got.size() < 8192) {
            got.write(buf.array(), 0, Math.min(n, 8192 - got.size()));
          }
        }
      } catch (IOException e) {
        gone(outcomeOf(e));
      }
    }

    void write(byte[] bytes) {
      if (!open() || bytes.length == 0) {
        return;
      }
      try {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        channel.write(b); // non-blocking: what does not fit now is dropped (never happens at these rates)
      } catch (IOException e) {
        gone(outcomeOf(e));
      }
    }

    void gone(String how) {
      if (closed < 0) {
        closed = System.nanoTime();
        this.how = how;
      }
    }

    String answer() {
      byte[] b = got.toByteArray();
      if (b.length >= 12 && new String(b, 0, 5, StandardCharsets.ISO_8859_1).equals("HTTP/")) {
        return new String(b, 9, 3, StandardCharsets.ISO_8859_1);
      }
      return b.length == 0 ? null : "non-HTTP bytes";
    }

    void close() {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  interface Bytes {
    byte[] of(int i);
  }

  static void hold(Ctx c, int count, Bytes initial, Bytes script, int bytesPerTick, String what) throws Exception {
    Queue<Held> held = new ConcurrentLinkedQueue<>();
    AtomicInteger connectFailures = new AtomicInteger();
    AtomicInteger next = new AtomicInteger();
    ExecutorService openers = Executors.newFixedThreadPool(16);
    long openStart = System.nanoTime();
    try {
      for (int t = 0; t < 16; t++) {
        openers.submit(() -> {
          for (int i; (i = next.getAndIncrement()) < count && !c.over(); ) {
            SocketChannel ch = null;
            try {
              ch = SocketChannel.open();
              ch.socket().connect(addr, 3_000);
              ch.socket().setTcpNoDelay(true);
              ch.configureBlocking(false);
              Held h = new Held(ch);
              h.write(initial.of(i));
              held.add(h);
              c.sent.increment();
            } catch (Exception e) {
              connectFailures.incrementAndGet();
              c.outcome("connect", outcomeOf(e));
              if (ch != null) {
                try {
                  ch.close();
                } catch (IOException ignored) {
                  // failed anyway
                }
              }
            }
          }
        });
      }
      openers.shutdown();
      openers.awaitTermination(Math.max(1, c.remainingMs()) + 5_000, TimeUnit.MILLISECONDS);
    } finally {
      openers.shutdownNow();
    }
    double openSeconds = (System.nanoTime() - openStart) / 1e9;
    List<Held> all = new ArrayList<>(held);
    // scripts: each connection has its own position in its own byte sequence
    Map<Held, byte[]> scripts = new HashMap<>();
    for (int i = 0; i < all.size(); i++) {
      if (script != null) {
        scripts.put(all.get(i), script.of(i));
      }
    }
    ByteBuffer buf = ByteBuffer.allocate(16_384);
    long nextTick = System.nanoTime();
    long nextProbe = System.nanoTime() + 500_000_000L;
    long probeMaxNs = 0;
    try {
      while (!c.over()) {
        for (Held h : all) {
          h.poll(buf);
        }
        long now = System.nanoTime();
        if (script != null && now >= nextTick) {
          nextTick += 1_000_000_000L;
          for (Held h : all) {
            byte[] s = scripts.get(h);
            if (h.open() && h.scriptPos < s.length) {
              int n = Math.min(bytesPerTick, s.length - h.scriptPos);
              h.write(Arrays.copyOfRange(s, h.scriptPos, h.scriptPos + n));
              h.scriptPos += n;
            }
          }
        }
        if (now >= nextProbe) { // can a new client still get in?
          nextProbe = now + 1_000_000_000L;
          long t0 = System.nanoTime();
          try (Raw raw = new Raw(3_000, 5_000)) {
            raw.send(request("GET", "/health/live", null, null));
            Resp r = raw.read(false);
            c.status("fresh-connection probes", r.status, "GET /health/live probe");
          } catch (Exception e) {
            c.failure("fresh-connection probes", e);
          }
          probeMaxNs = Math.max(probeMaxNs, System.nanoTime() - t0);
        }
        sleep(200);
      }
      for (Held h : all) {
        h.poll(buf);
      }
    } finally {
      for (Held h : all) {
        h.close();
      }
    }
    int open = 0;
    List<Double> lifetimes = new ArrayList<>();
    for (Held h : all) {
      if (h.open()) {
        open++;
        c.outcome(null, "still-open");
      } else {
        lifetimes.add((h.closed - h.opened) / 1e9);
        String answer = h.answer();
        if (answer != null && answer.matches("\\d{3}")) {
          c.status(null, Integer.parseInt(answer), what + " answer");
        } else {
          c.outcome(null, answer != null ? answer : h.how.equals("closed by the server") ? "closed-silently" : h.how);
        }
      }
    }
    Collections.sort(lifetimes);
    c.notes.add(String.format("%s: %d opened in %.1f s (%d failed to connect); at the end %d still open, %d closed by the server%s",
        what, all.size(), openSeconds, connectFailures.get(), open, all.size() - open,
        lifetimes.isEmpty() ? "" : String.format(" after %.1f s median, %.1f s max", lifetimes.get(lifetimes.size() / 2),
            lifetimes.get(lifetimes.size() - 1))));
    if (probeMaxNs > 0) {
      c.notes.add(String.format("slowest fresh-connection probe: %.1f ms", probeMaxNs / 1e6));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Attack 8: oversize URIs, headers and bodies

  static void oversize(Ctx c) throws Exception {
    String ns = "abuse-big-" + RUN;
    AtomicLong streamed = new AtomicLong();
    byte[] chunk = new byte[65_536];
    Arrays.fill(chunk, (byte) 'a');
    workers(c, 3, (rnd, id) -> {
      int v = rnd.nextInt(10);
      c.sent.increment();
      try (Raw raw = new Raw(3_000, 4_000)) {
        switch (v) {
          case 0 -> exchange(c, raw, "URI 10 KB (key)", request("GET", "/v1/ns/" + ns + "/kv/" + "k".repeat(10_240), null, null));
          case 1 -> exchange(c, raw, "URI 10 KB (query)", request("GET", "/v1/ns/" + ns + "/kv?prefix=" + "p".repeat(10_240), null, null));
          case 2 -> exchange(c, raw, "one 64 KB header", request("GET", "/health/live", null, null, "X-Big: " + "h".repeat(65_536)));
          case 3 -> {
            String[] many = new String[1_000];
            for (int i = 0; i < many.length; i++) {
              many[i] = "X-H" + i + ": " + "v".repeat(58);
            }
            exchange(c, raw, "1000 headers, 64 KB", request("GET", "/health/live", null, null, many));
          }
          case 4 -> stream(c, raw, "PUT Content-Length 50 MB", streamed, chunk, 50L << 20,
              "PUT /v1/ns/" + ns + "/kv/big HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + (50L << 20) + "\r\n\r\n", false);
          case 5 -> stream(c, raw, "PUT chunked 50 MB", streamed, chunk, 50L << 20,
              "PUT /v1/ns/" + ns + "/kv/big HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", true);
          case 6 -> stream(c, raw, "bulk/write chunked 50 MB", streamed, chunk, 50L << 20,
              "POST /v1/ns/" + ns + "/bulk/write HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", true);
          case 7 -> stream(c, raw, "bulk/write Content-Length 20 MB", streamed, chunk, 20L << 20,
              "POST /v1/ns/" + ns + "/bulk/write HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + (20L << 20) + "\r\n\r\n", false);
          case 8 -> { // a GET with a 1 MB body, then a second request on the same connection: is the framing kept?
            byte[] body = new byte[1 << 20];
            Arrays.fill(body, (byte) '{');
            raw.send(request("GET", "/v1/ns/" + ns + "/kv/k", "application/json", body));
            streamed.addAndGet(body.length);
            Resp first = raw.read(false);
            String second = "-";
            if (!first.close) {
              try {
                raw.send(request("GET", "/health/live", null, null));
                second = Integer.toString(raw.read(false).status);
              } catch (IOException e) {
                second = outcomeOf(e);
              }
            }
            c.status(null, first.status, "GET with 1 MB body");
            c.detail("GET + 1 MB body, then GET", first.status + " then " + second);
          }
          default -> { // a DELETE with a chunked 1 MB body, then a second request
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(ascii("DELETE /v1/ns/" + ns + "/kv/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
            for (int i = 0; i < 16; i++) {
              b.writeBytes(ascii("10000\r\n"));
              b.writeBytes(chunk);
              b.writeBytes(ascii("\r\n"));
            }
            b.writeBytes(ascii("0\r\n\r\n"));
            raw.send(b.toByteArray());
            streamed.addAndGet(16 * 65_536);
            Resp first = raw.read(false);
            String second = "-";
            if (!first.close) {
              try {
                raw.send(request("GET", "/health/live", null, null));
                second = Integer.toString(raw.read(false).status);
              } catch (IOException e) {
                second = outcomeOf(e);
              }
            }
            c.status(null, first.status, "DELETE with chunked 1 MB body");
            c.detail("DELETE + chunked 1 MB body, then GET", first.status + " then " + second);
          }
        }
      }
    });
    c.notes.add(String.format("body bytes pushed: %.0f MB", streamed.get() / 1048576.0));
  }

  static void exchange(Ctx c, Raw raw, String variant, byte[] request) throws IOException {
    try {
      raw.send(request);
    } catch (IOException e) {
      // the server may have answered and closed before the whole request was written: read it
      try {
        Resp r = raw.read(false);
        c.status(variant, r.status, variant);
      } catch (IOException e2) {
        c.failure(variant, e);
      }
      return;
    }
    try {
      Resp r = raw.read(false);
      c.status(variant, r.status, variant);
    } catch (IOException e) {
      c.failure(variant, e);
    }
  }

  /** Streams a body until it is all sent, the server answers, or the connection fails; then reads the answer. */
  static void stream(Ctx c, Raw raw, String variant, AtomicLong streamed, byte[] chunk, long total, String head, boolean chunked) {
    long sent = 0;
    long t0 = System.nanoTime();
    try {
      raw.send(ascii(head));
      byte[] prefix = ascii(Integer.toHexString(chunk.length) + "\r\n");
      byte[] suffix = ascii("\r\n");
      while (sent < total && raw.in.available() == 0) {
        if (chunked) {
          raw.out.write(prefix);
        }
        raw.out.write(chunk);
        if (chunked) {
          raw.out.write(suffix);
        }
        sent += chunk.length;
      }
      if (chunked && sent >= total) {
        raw.out.write(ascii("0\r\n\r\n"));
      }
      raw.out.flush();
    } catch (IOException e) {
      // fall through: the answer may already be in our receive buffer
    }
    streamed.addAndGet(sent);
    try {
      Resp r = raw.read(false);
      c.status(variant, r.status, variant);
      c.detail(variant + ": MB sent before the answer", sent >= total ? "all" : sent < (1 << 20) ? "<1" : sent < (10 << 20) ? "1-10" : "10+");
    } catch (IOException e) {
      c.failure(variant, e);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    c.detail(variant + ": time to the answer", ms < 100 ? "<100ms" : ms < 1000 ? "<1s" : ">=1s");
  }

  // ---------------------------------------------------------------------------------------------
  // Attack 9: connection churn

  static void churn(Ctx c) throws Exception {
    final int perSecond = 2_000; // keeps the client's TIME_WAIT sockets well inside the ephemeral port range
    long start = System.nanoTime();
    AtomicLong tickets = new AtomicLong();
    workers(c, 4, (rnd, id) -> {
      long ticket = tickets.getAndIncrement();
      long due = start + ticket * 1_000_000_000L / perSecond;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      if (c.over()) {
        return;
      }
      int v = rnd.nextInt(5);
      c.sent.increment();
      try (Raw raw = new Raw(2_000, 4_000)) {
        switch (v) {
          case 0 -> c.outcome("connect, close", "closed");
          case 1 -> {
            raw.resetOnClose();
            c.outcome("connect, reset", "closed");
          }
          case 2 -> {
            raw.send(request("GET", "/health/live", null, null));
            c.status("GET, read, close", raw.read(false).status, "GET /health/live (churn)");
          }
          case 3 -> {
            raw.send(ascii("GET /health/li"));
            c.outcome("half a request line, close", "closed");
          }
          default -> {
            raw.send(request("GET", "/health/ready", null, null));
            raw.resetOnClose();
            c.outcome("GET, reset before reading", "closed");
          }
        }
      }
    });
    c.notes.add(String.format("%.0f connections/s", c.sent.sum() / ((System.nanoTime() - start) / 1e9)));
  }

  // ---------------------------------------------------------------------------------------------
  // Attack 10: HTTP/2 over cleartext

  static final byte[] PREFACE = ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  static final int DATA = 0;
  static final int HEADERS = 1;
  static final int RST_STREAM = 3;
  static final int SETTINGS = 4;
  static final int GOAWAY = 7;

  static byte[] frame(int type, int flags, int stream, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(9 + payload.length);
    b.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
    b.put((byte) type).put((byte) flags).putInt(stream & 0x7fffffff).put(payload);
    return b.array();
  }

  /** HPACK for GET path: indexed :method GET and :scheme http, literal :path and :authority (no Huffman). */
  static byte[] h2Get(String path) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x82);
    b.write(0x86);
    b.write(0x04);
    b.write(path.length());
    b.writeBytes(ascii(path));
    String authority = host + ":" + port;
    b.write(0x01);
    b.write(authority.length());
    b.writeBytes(ascii(authority));
    return b.toByteArray();
  }

  /** The answer to stream {@code stream}: "h2 200", "GOAWAY(n)", "RST_STREAM(n)", "h1 400", "eof", "timeout". */
  static String h2Answer(Raw raw, int stream, int[] headersSeen) throws IOException {
    DataInputStream in = new DataInputStream(raw.in);
    String status = null;
    for (int frames = 0; frames < 10_000; frames++) {
      byte[] h = new byte[9];
      in.readFully(h);
      if (new String(h, 0, 5, StandardCharsets.ISO_8859_1).equals("HTTP/")) {
        byte[] more = new byte[3];
        in.readFully(more);
        return "answered HTTP/1 " + new String(more, StandardCharsets.ISO_8859_1);
      }
      int len = ((h[0] & 0xff) << 16) | ((h[1] & 0xff) << 8) | (h[2] & 0xff);
      int type = h[3] & 0xff;
      int flags = h[4] & 0xff;
      int id = ByteBuffer.wrap(h, 5, 4).getInt() & 0x7fffffff;
      if (len > (1 << 24)) {
        return "bad frame length";
      }
      byte[] payload = new byte[len];
      in.readFully(payload);
      if (type == SETTINGS && (flags & 1) == 0) {
        raw.send(frame(SETTINGS, 1, 0, new byte[0]));
      } else if (type == GOAWAY) {
        int code = len >= 8 ? ByteBuffer.wrap(payload, 4, 4).getInt() : -1;
        return status != null ? "h2 " + status + " then GOAWAY(" + code + ")" : "GOAWAY(" + code + ")";
      } else if (type == HEADERS) {
        if (headersSeen != null) {
          headersSeen[0]++;
        }
        if (id == stream) {
          status = hpackStatus(payload, flags);
          if ((flags & 1) != 0) {
            return "h2 " + status;
          }
        }
      } else if (type == DATA && id == stream && (flags & 1) != 0) {
        return "h2 " + status;
      } else if (type == RST_STREAM && id == stream) {
        return "RST_STREAM(" + (len >= 4 ? ByteBuffer.wrap(payload).getInt() : -1) + ")";
      }
    }
    return "too many frames";
  }

  static String hpackStatus(byte[] block, int flags) {
    int i = 0;
    if ((flags & 0x08) != 0) {
      i++; // pad length
    }
    if ((flags & 0x20) != 0) {
      i += 5; // priority
    }
    if (i >= block.length) {
      return "?";
    }
    int b = block[i] & 0xff;
    if ((b & 0x80) != 0) {
      return switch (b & 0x7f) {
        case 8 -> "200";
        case 9 -> "204";
        case 10 -> "206";
        case 11 -> "304";
        case 12 -> "400";
        case 13 -> "404";
        case 14 -> "500";
        default -> "?";
      };
    }
    int nameIndex = (b & 0x40) != 0 ? b & 0x3f : b & 0x0f;
    if (nameIndex >= 8 && nameIndex <= 14 && i + 1 < block.length) {
      int len = block[i + 1] & 0x7f;
      if ((block[i + 1] & 0x80) != 0) {
        return "(huffman)";
      }
      if (i + 2 + len <= block.length) {
        return new String(block, i + 2, len, StandardCharsets.ISO_8859_1);
      }
    }
    return "?";
  }

  static int statusOf(String answer) {
    Matcher m = Pattern.compile("(?:h2|HTTP/1) (\\d{3})").matcher(answer);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  static void h2c(Ctx c) throws Exception {
    String ns = "abuse-h2-" + RUN;
    LongAdder rapidStreams = new LongAdder();
    LongAdder rapidAnswered = new LongAdder();
    LongAdder rapidGoaways = new LongAdder();
    LongAdder rapidConnections = new LongAdder();
    workers(c, 2, (rnd, id) -> {
      int v = rnd.nextInt(4);
      c.sent.increment();
      try (Raw raw = new Raw(2_000, 5_000)) {
        switch (v) {
          case 0 -> { // prior knowledge
            String variant = "prior-knowledge GET /health/live";
            try {
              ByteArrayOutputStream b = new ByteArrayOutputStream();
              b.writeBytes(PREFACE);
              b.writeBytes(frame(SETTINGS, 0, 0, new byte[0]));
              b.writeBytes(frame(HEADERS, 0x5, 1, h2Get("/health/live")));
              raw.send(b.toByteArray());
              String a = h2Answer(raw, 1, null);
              recordH2(c, variant, a);
            } catch (IOException e) {
              c.failure(variant, e);
            }
          }
          case 1 -> { // Upgrade: h2c on a GET
            String variant = "Upgrade: h2c on GET";
            try {
              raw.send(request("GET", "/health/live", null, null, "Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c",
                  "HTTP2-Settings: AAMAAABk"));
              Resp r = raw.read(false);
              if (r.status == 101) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                b.writeBytes(PREFACE);
                b.writeBytes(frame(SETTINGS, 0, 0, new byte[0]));
                raw.send(b.toByteArray());
                recordH2(c, variant, "101, then " + h2Answer(raw, 1, null));
              } else {
                c.status(variant, r.status, variant);
              }
            } catch (IOException e) {
              c.failure(variant, e);
            }
          }
          case 2 -> { // Upgrade: h2c on a POST with a body
            String variant = "Upgrade: h2c on POST bulk/get";
            try {
              raw.send(request("POST", "/v1/ns/" + ns + "/bulk/get", "application/json", ascii("{\"keys\":[\"a\"]}"),
                  "Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c", "HTTP2-Settings: AAMAAABk"));
              Resp r = raw.read(false);
              if (r.status == 101) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                b.writeBytes(PREFACE);
                b.writeBytes(frame(SETTINGS, 0, 0, new byte[0]));
                raw.send(b.toByteArray());
                recordH2(c, variant, "101, then " + h2Answer(raw, 1, null));
              } else {
                c.status(variant, r.status, variant);
              }
            } catch (IOException e) {
              c.failure(variant, e);
            }
          }
          default -> { // rapid reset: 100 streams opened and cancelled at once
            String variant = "prior-knowledge rapid reset (250 streams)";
            raw.socket.setSoTimeout(500);
            rapidConnections.increment();
            try {
              ByteArrayOutputStream b = new ByteArrayOutputStream();
              b.writeBytes(PREFACE);
              b.writeBytes(frame(SETTINGS, 0, 0, new byte[0]));
              byte[] block = h2Get("/v1/ns/" + ns + "/kv/k");
              byte[] cancel = ByteBuffer.allocate(4).putInt(8).array();
              for (int s = 1; s < 500; s += 2) {
                b.writeBytes(frame(HEADERS, 0x5, s, block));
                b.writeBytes(frame(RST_STREAM, 0, s, cancel));
              }
              raw.send(b.toByteArray());
              rapidStreams.add(250);
              int[] seen = {0};
              String a;
              try {
                a = h2Answer(raw, 1 << 30, seen); // no such stream: reads until GOAWAY, EOF or the timeout
              } catch (SocketTimeoutException e) {
                a = "no GOAWAY";
              }
              rapidAnswered.add(seen[0]);
              if (a.startsWith("GOAWAY")) {
                rapidGoaways.increment();
              }
              c.outcome(variant, a);
            } catch (IOException e) {
              c.failure(variant, e);
            }
          }
        }
      }
    });
    if (rapidConnections.sum() > 0) {
      c.notes.add(String.format("rapid reset: %d streams opened and cancelled on %d connections; %d answered anyway; GOAWAY on %d connections",
          rapidStreams.sum(), rapidConnections.sum(), rapidAnswered.sum(), rapidGoaways.sum()));
    }
  }

  static void recordH2(Ctx c, String variant, String answer) {
    int s = statusOf(answer);
    // With h2c off, the HTTP/2 preface ("PRI * HTTP/2.0") is an HTTP/1 request of an unknown
    // method and version: 501 is the documented answer, not a failure.
    if (s >= 500 && !(s == 501 && variant.contains("prior-knowledge"))) {
      c.fiveXx.increment();
      count(c.fiveXxSamples, s + " " + variant);
    }
    c.outcome(variant, answer);
  }

  /** The methods HTTP defines; KVS answers any other with 501 not_implemented, as documented. */
  static final Set<String> STANDARD_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

  /** Whether a request description ("METHOD target ...") names a method HTTP does not define. */
  static boolean madeUpMethod(String what) {
    if (what == null || what.isBlank()) {
      return false;
    }
    String method = what.strip().split("\\s+", 2)[0];
    return !STANDARD_METHODS.contains(method);
  }

  // ---------------------------------------------------------------------------------------------
  // Raw HTTP/1.1 over a socket: every socket has a read timeout and a watchdog that closes it

  record Resp(int status, Map<String, String> headers, byte[] body, boolean close) { }

  static final class Raw implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;
    private volatile ScheduledFuture<?> killer;
    private boolean reset;

    Raw(int readTimeoutMs, int hardLimitMs) throws IOException {
      socket = new Socket();
      try {
        socket.setTcpNoDelay(true);
        socket.connect(addr, 3_000);
        socket.setSoTimeout(readTimeoutMs);
      } catch (IOException e) {
        socket.close();
        throw e;
      }
      in = new BufferedInputStream(socket.getInputStream(), 16_384);
      out = socket.getOutputStream();
      arm(hardLimitMs);
    }

    /** Closes the socket after {@code ms} whatever it is doing (a blocked write has no timeout of its own). */
    void arm(long ms) {
      ScheduledFuture<?> old = killer;
      if (old != null) {
        old.cancel(false);
      }
      killer = WATCHDOG.schedule(this::closeQuietly, ms, TimeUnit.MILLISECONDS);
    }

    void send(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    Resp read(boolean head) throws IOException {
      return readResponse(in, head);
    }

    void resetOnClose() {
      reset = true;
    }

    void closeQuietly() {
      try {
        if (reset) {
          socket.setSoLinger(true, 0);
        }
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }

    @Override
    public void close() {
      ScheduledFuture<?> k = killer;
      if (k != null) {
        k.cancel(false);
      }
      closeQuietly();
    }
  }

  /** One keep-alive connection, reopened when the server closes it. */
  static final class KeepAlive implements AutoCloseable {
    final int readTimeoutMs;
    Raw raw;

    KeepAlive(int readTimeoutMs) {
      this.readTimeoutMs = readTimeoutMs;
    }

    Resp exchange(byte[] request, boolean head) throws IOException {
      for (int attempt = 0; ; attempt++) {
        boolean fresh = raw == null;
        if (fresh) {
          raw = new Raw(readTimeoutMs, 60_000);
        }
        raw.arm(readTimeoutMs * 2L + 2_000);
        try {
          raw.send(request);
          Resp r = raw.read(head);
          if (r.close) {
            close();
          }
          return r;
        } catch (IOException e) {
          close();
          // a reused connection the server had already closed: once more on a new one
          if (fresh || attempt > 0 || e instanceof SocketTimeoutException) {
            throw e;
          }
        }
      }
    }

    @Override
    public void close() {
      if (raw != null) {
        raw.close();
        raw = null;
      }
    }
  }

  static Resp readResponse(InputStream in, boolean head) throws IOException {
    for (;;) {
      String statusLine = readLine(in, 16_384);
      if (statusLine == null) {
        throw new EOFException("closed before an answer");
      }
      if (!statusLine.startsWith("HTTP/") || statusLine.length() < 12) {
        throw new ProtocolException("not an HTTP/1 status line: " + cut(statusLine, 40));
      }
      int status = Integer.parseInt(statusLine.substring(9, 12));
      Map<String, String> headers = new HashMap<>();
      String line;
      while ((line = readLine(in, 65_536)) != null && !line.isEmpty()) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
      }
      if (line == null) {
        throw new EOFException("closed in the answer's head");
      }
      if (status >= 100 && status < 200 && status != 101) {
        continue; // 100 Continue and friends: the real answer follows
      }
      boolean close = "close".equalsIgnoreCase(headers.get("connection")) || statusLine.startsWith("HTTP/1.0");
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      if (head || status == 204 || status == 304 || status == 101) {
        // no body
      } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        for (;;) {
          String size = readLine(in, 1_024);
          if (size == null) {
            throw new EOFException("closed in a chunked answer");
          }
          int semi = size.indexOf(';');
          long n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
          if (n == 0) {
            while ((line = readLine(in, 8_192)) != null && !line.isEmpty()) {
              // trailers
            }
            break;
          }
          copy(in, body, n);
          readLine(in, 16);
        }
      } else if (headers.containsKey("content-length")) {
        copy(in, body, Long.parseLong(headers.get("content-length")));
      } else {
        copy(in, body, Long.MAX_VALUE);
        close = true;
      }
      return new Resp(status, headers, body.toByteArray(), close);
    }
  }

  /** Reads n bytes (to EOF when n is Long.MAX_VALUE), keeping the first 64 KB. */
  static void copy(InputStream in, ByteArrayOutputStream keep, long n) throws IOException {
    byte[] buf = new byte[8_192];
    long left = n;
    while (left > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) {
        if (n == Long.MAX_VALUE) {
          return;
        }
        throw new EOFException("closed in the answer's body");
      }
      if (keep.size() < 65_536) {
        keep.write(buf, 0, Math.min(r, 65_536 - keep.size()));
      }
      left -= r;
    }
  }

  static String readLine(InputStream in, int max) throws IOException {
    StringBuilder b = new StringBuilder();
    for (;;) {
      int c = in.read();
      if (c < 0) {
        return b.length() == 0 ? null : b.toString();
      }
      if (c == '\n') {
        int len = b.length();
        return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
      }
      if (b.length() >= max) {
        throw new ProtocolException("line longer than " + max);
      }
      b.append((char) c);
    }
  }

  static byte[] request(String method, String target, String contentType, byte[] body, String... headers) {
    StringBuilder h = new StringBuilder();
    h.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port).append("\r\n");
    if (contentType != null) {
      h.append("Content-Type: ").append(contentType).append("\r\n");
    }
    if (body != null) {
      h.append("Content-Length: ").append(body.length).append("\r\n");
    }
    for (String x : headers) {
      h.append(x).append("\r\n");
    }
    h.append("\r\n");
    return body == null ? latin1(h.toString()) : raw(h.toString(), body);
  }

  // ---------------------------------------------------------------------------------------------
  // Workers, outcomes and small helpers

  interface Worker {
    void once(Random rnd, int id) throws Exception;
  }

  /** Runs {@code n} threads calling the worker until the attack's end; no exception stops them. */
  static void workers(Ctx c, int n, Worker worker) throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int id = i;
      Thread t = new Thread(() -> {
        Random rnd = new Random(id * 7_919L + System.nanoTime());
        while (!c.over()) {
          try {
            worker.once(rnd, id);
          } catch (Throwable e) {
            String o = outcomeOf(e);
            c.outcome(null, o);
            if (o.equals("refused") || o.equals("connect-timeout")) {
              sleep(50);
            }
          }
        }
      }, c.name + "-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join(c.remainingMs() + 20_000);
      if (t.isAlive()) {
        c.notes.add("worker " + t.getName() + " still busy 20 s after the end; left behind");
        t.interrupt();
      }
    }
  }

  static String outcomeOf(Throwable e) {
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    if (e instanceof HttpConnectTimeoutException || (e instanceof SocketTimeoutException && m.contains("connect"))) {
      return "connect-timeout";
    }
    if (e instanceof SocketTimeoutException || e instanceof HttpTimeoutException) {
      return "timeout";
    }
    if (e instanceof ConnectException) {
      return "refused";
    }
    if (e instanceof EOFException || m.contains("received no bytes") || m.contains("eof reached")) {
      return "eof";
    }
    if (m.contains("reset")) {
      return "reset";
    }
    if (m.contains("broken pipe")) {
      return "broken-pipe";
    }
    if (e instanceof SocketException && m.contains("closed")) {
      return "closed-by-watchdog";
    }
    if (e instanceof ProtocolException) {
      return "not-http";
    }
    if (e instanceof NumberFormatException) {
      return "bad-answer";
    }
    if (e instanceof IOException && e.getCause() != null && e.getCause() != e) {
      return outcomeOf(e.getCause());
    }
    return e.getClass().getSimpleName();
  }

  static void count(Map<String, LongAdder> map, String key) {
    map.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  /** "400:812 500:3 eof:2", most frequent first. */
  static String histogram(Map<String, LongAdder> map, int max) {
    List<Map.Entry<String, LongAdder>> entries = new ArrayList<>(map.entrySet());
    entries.sort(Comparator.comparingLong((Map.Entry<String, LongAdder> e) -> -e.getValue().sum()).thenComparing(Map.Entry::getKey));
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < entries.size() && i < max; i++) {
      b.append(i == 0 ? "" : " ").append(entries.get(i).getKey()).append(':').append(entries.get(i).getValue().sum());
    }
    if (entries.size() > max) {
      b.append(" +").append(entries.size() - max).append(" more");
    }
    return b.toString();
  }

  /** The most frequent keys, each as "key (x n)". */
  static String top(Map<String, LongAdder> map, int max) {
    List<Map.Entry<String, LongAdder>> entries = new ArrayList<>(map.entrySet());
    entries.sort(Comparator.comparingLong((Map.Entry<String, LongAdder> e) -> -e.getValue().sum()).thenComparing(Map.Entry::getKey));
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < entries.size() && i < max; i++) {
      b.append(i == 0 ? "" : "; ").append(printable(entries.get(i).getKey())).append(" (x").append(entries.get(i).getValue().sum()).append(')');
    }
    if (entries.size() > max) {
      b.append("; +").append(entries.size() - max).append(" more");
    }
    return b.toString();
  }

  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (char ch : s.toCharArray()) {
      if (ch >= 32 && ch < 127) {
        b.append(ch);
      } else {
        b.append(String.format("\\x%02x", (int) ch & 0xff));
      }
    }
    return b.toString();
  }

  static int pick(Random r, int... values) {
    return values[r.nextInt(values.length)];
  }

  static boolean isToken(String method) {
    return !method.isEmpty() && method.chars().allMatch(ch -> ch > 32 && ch < 127 && "()<>@,;:\\\"/[]?={}".indexOf(ch) < 0);
  }

  static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Each char below 256 becomes that byte: how raw and invalid bytes are written in this file. */
  static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] raw(String head, byte[]... bodies) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(latin1(head));
    for (byte[] body : bodies) {
      b.writeBytes(body);
    }
    return b.toByteArray();
  }

  static byte[] raw(String head, String body) {
    return raw(head, latin1(body));
  }

  static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...(" + s.length() + ")";
  }

  static void closeAll(KeepAlive[] conns) {
    for (KeepAlive k : conns) {
      if (k != null) {
        k.close();
      }
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void sleepUntil(long nanos) {
    long left = nanos - System.nanoTime();
    if (left > 0) {
      sleep(left / 1_000_000);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The service process: /proc and its log

  static boolean alive() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("State:")) {
          return !line.contains("Z") && !line.contains("X (dead)");
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static long rssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException | NumberFormatException ignored) {
      // gone
    }
    return -1;
  }

  static long fds() {
    try (var files = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return files.count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static String mb(long kb) {
    return kb < 0 ? "?" : Long.toString(Math.round(kb / 1024.0));
  }

  static long logSize() {
    try {
      return Files.size(logPath);
    } catch (IOException e) {
      return 0;
    }
  }

  record LogScan(int errors, int warns, long bytes, Map<String, LongAdder> errorSamples, Map<String, LongAdder> warnSamples) { }

  static final Pattern ERROR_LINE = Pattern.compile("^(?:[0-9][^\\s]*\\s+){1,2}(?:\\[[^\\]]*\\]\\s+)?ERROR\\s|^ERROR\\s|^SEVERE: |\"level\"\\s*:\\s*\"ERROR\"");
  static final Pattern WARN_LINE = Pattern.compile("^(?:[0-9][^\\s]*\\s+){1,2}(?:\\[[^\\]]*\\]\\s+)?WARN\\s|^WARN\\s|^WARNING: |\"level\"\\s*:\\s*\"WARN\"");
  static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /** ERROR and WARN lines (also java.util.logging's SEVERE and WARNING) appended since {@code from}, grouped by message (ids blanked) plus the exception line after it. */
  static LogScan scanLog(long from) {
    Map<String, LongAdder> errors = new HashMap<>();
    Map<String, LongAdder> warns = new HashMap<>();
    int e = 0;
    int w = 0;
    long bytesRead = 0;
    try (RandomAccessFile f = new RandomAccessFile(logPath.toFile(), "r")) {
      long len = Math.min(f.length() - from, 64L << 20);
      if (len <= 0) {
        return new LogScan(0, 0, 0, errors, warns);
      }
      byte[] bytes = new byte[(int) len];
      f.seek(from);
      f.readFully(bytes);
      bytesRead = f.length() - from;
      String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
      for (int i = 0; i < lines.length; i++) {
        boolean isError = ERROR_LINE.matcher(lines[i]).find();
        boolean isWarn = !isError && WARN_LINE.matcher(lines[i]).find();
        if (!isError && !isWarn) {
          continue;
        }
        String msg = lines[i];
        int dash = msg.indexOf(" - ");
        msg = UUID.matcher(dash >= 0 ? msg.substring(dash + 3) : msg).replaceAll("<id>");
        msg = cut(msg.replaceAll("(/kv/)[^ ]*", "$1<key>"), 110);
        if (i + 1 < lines.length && !lines[i + 1].isBlank() && !Character.isWhitespace(lines[i + 1].charAt(0))
            && !Character.isDigit(lines[i + 1].charAt(0))) {
          msg += " | " + cut(UUID.matcher(lines[i + 1].trim()).replaceAll("<id>").replaceAll("index \\d+", "index N"), 110);
        }
        if (isError) {
          e++;
          count(errors, msg);
        } else {
          w++;
          count(warns, msg);
        }
      }
    } catch (IOException ex) {
      errors.put("log unreadable: " + ex, new LongAdder());
    }
    return new LogScan(e, w, bytesRead, errors, warns);
  }
}
