package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.Await;
import dev.kvs.support.DatabaseActivity;
import dev.kvs.support.TestPostgres;
import dev.kvs.support.TestService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged service as an operator runs it: {@code java -jar target/kvs.jar} in its own process
 * (failsafe runs after {@code package}). What only the real process shows: the start-up message
 * when no database answers, and the SIGTERM drain through the JVM's shutdown hook.
 */
class ProcessIT {
  private static final Path JAR = Path.of("target", "kvs.jar");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static String database;

  @BeforeAll
  static void createDatabase() {
    assertTrue(Files.exists(JAR), "run through Maven's verify, which builds " + JAR + " first");
    database = TestPostgres.get().createDatabase("process");
  }

  @AfterAll
  static void dropDatabase() {
    TestPostgres.get().dropDatabase(database);
  }

  @Test
  void withNoDatabaseItSaysHowToProvideOneAndExits() throws Exception {
    int closedPort = TestService.freePort();
    Path log = Files.createTempFile("kvs-process", ".log");
    Process kvs = start(Map.of("KVS_DB_URL", "postgresql://nobody@127.0.0.1:" + closedPort + "/kvs",
        "KVS_DB_CONNECT_TIMEOUT_MS", "1000"), log);
    assertTrue(kvs.waitFor(60, TimeUnit.SECONDS), "the process exits");
    String output = Files.readString(log);

    assertEquals(1, kvs.exitValue(), output);
    assertTrue(output.contains("no PostgreSQL answers at postgresql://nobody@127.0.0.1:" + closedPort), output);
    assertTrue(output.contains("KVS_DB_URL=postgresql://"), "says how to point it at a database: " + output);
    assertFalse(output.contains("\tat "), "no stack trace: " + output);
  }

  @Test
  void sigtermFinishesTheRequestInFlightThenExits() throws Exception {
    int port = TestService.freePort();
    Path log = Files.createTempFile("kvs-process", ".log");
    Process kvs = start(Map.of("KVS_DB_URL", TestPostgres.get().kvsUrl(database), "KVS_HTTP_PORT", Integer.toString(port),
        "KVS_DB_LOCK_TIMEOUT_MS", "20000", "KVS_SHUTDOWN_GRACE_MS", "20000"), log);
    try {
      awaitReady(port);
      assertEquals(200, put(port, "held", "{\"value\": 1}").join().statusCode());

      try (Connection sql = TestPostgres.get().connect(database); Statement st = sql.createStatement()) {
        // Another writer holds the row: the next PUT waits in the database, in flight.
        sql.setAutoCommit(false);
        st.execute("SELECT 1 FROM kv WHERE key = 'held' FOR UPDATE");
        CompletableFuture<HttpResponse<String>> inFlight = put(port, "held", "{\"value\": 2}");
        DatabaseActivity.await(st, "wait_event_type = 'Lock'", "the PUT never reached the row lock");

        kvs.destroy(); // SIGTERM
        Await.until("the process began to drain", 10_000, () -> logged(log, "shutting down"));
        assertTrue(kvs.isAlive(), "the process waits for the request in flight");
        sql.commit(); // the writer lets go: the PUT completes

        assertEquals(200, inFlight.get(20, TimeUnit.SECONDS).statusCode(), "the request in flight was answered");
      }
      assertTrue(kvs.waitFor(30, TimeUnit.SECONDS), "the process exits once drained");
      try (Connection sql = TestPostgres.get().connect(database); Statement st = sql.createStatement()) {
        var rs = st.executeQuery("SELECT value FROM kv WHERE key = 'held'");
        assertTrue(rs.next());
        assertEquals("2", rs.getString(1), "the acknowledged write is stored");
      }
      String output = Files.readString(log);
      assertTrue(output.contains("shutting down: draining in-flight requests"), output);
      assertFalse(output.contains("\tat "), "no stack trace: " + output);
    } finally {
      kvs.destroyForcibly();
    }
  }

  /**
   * Starts the jar with {@code env} and none of the test JVM's KVS_* / PG* variables; its output goes
   * to {@code output} (Process.destroy closes the pipes, a file stays). DatabaseTlsIT starts it too.
   */
  static Process start(Map<String, String> env, Path output) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("KVS_") || name.startsWith("PG"));
    builder.environment().put("KVS_HTTP_HOST", "127.0.0.1");
    builder.environment().put("KVS_HTTP_PORT", Integer.toString(TestService.freePort()));
    builder.environment().put("KVS_PURGE_ENABLED", "false");
    builder.environment().put("KVS_AUTH", "off");
    builder.environment().putAll(env);
    return builder.start();
  }

  private static CompletableFuture<HttpResponse<String>> put(int port, String key, String body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/ns/test/kv/" + key))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  private static boolean logged(Path log, String text) {
    try {
      return Files.readString(log).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  private static void awaitReady(int port) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build();
        if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the service did not become ready within 60 s");
  }
}
