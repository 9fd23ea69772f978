package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.TestPostgres;
import dev.kvs.support.TestService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The documented examples run as documented ({@code java -cp target/kvs.jar ...}) and do what they say. */
class ExamplesIT {
  private static final Path JAR = Path.of("target", "kvs.jar");

  @Test
  void theEmbeddedExampleWritesReadsAndSeesItsChange() throws Exception {
    String db = TestPostgres.get().createDatabase("example_embedded");
    Path out = Files.createTempFile("embedded-", ".log");
    Process example = run("dev.kvs.examples.EmbeddedKvs", List.of("demo"), Map.of(
        "KVS_DB_URL", TestPostgres.get().kvsUrl(db), "KVS_AUTH", "off",
        "KVS_HTTP_HOST", "127.0.0.1", "KVS_HTTP_PORT", Integer.toString(TestService.freePort())), out);
    assertTrue(example.waitFor(90, TimeUnit.SECONDS), "the example ends");
    String printed = Files.readString(out);
    assertEquals(0, example.exitValue(), printed);
    assertTrue(printed.contains("read: {\"greeting\":{\"value\":\"hello\""), printed);
    assertTrue(printed.contains("change: {\"op\":\"write\",\"key\":\"greeting\""), printed);
  }

  @Test
  void theClusteredConsumerJoinsAKvsProcessAndWorksThroughTheBus() throws Exception {
    String db = TestPostgres.get().createDatabase("example_cluster");
    int kvsPort = TestService.freePort();
    int consumerPort = TestService.freePort();
    String cluster = "example-" + ProcessHandle.current().pid();
    String members = "127.0.0.1:" + kvsPort + ",127.0.0.1:" + consumerPort;
    Path kvsLog = Files.createTempFile("example-kvs-", ".log");
    Process kvs = ProcessIT.start(Map.of("KVS_DB_URL", TestPostgres.get().kvsUrl(db), "KVS_CLUSTER", "hazelcast",
        "KVS_CLUSTER_NAME", cluster, "KVS_CLUSTER_MEMBERS", members, "KVS_CLUSTER_PORT", Integer.toString(kvsPort),
        "KVS_CLUSTER_HOST", "127.0.0.1"), kvsLog);
    try {
      Path out = Files.createTempFile("example-consumer-", ".log");
      Process consumer = run("dev.kvs.examples.ClusteredConsumer", List.of("demo", "3"), Map.of(
          "KVS_CLUSTER_NAME", cluster, "KVS_CLUSTER_MEMBERS", members, "KVS_CLUSTER_PORT", Integer.toString(consumerPort),
          "KVS_CLUSTER_HOST", "127.0.0.1"), out);
      assertTrue(consumer.waitFor(120, TimeUnit.SECONDS), "the consumer ends");
      String printed = Files.readString(out);
      assertEquals(0, consumer.exitValue(), printed + "\n--- kvs:\n" + Files.readString(kvsLog));
      assertTrue(printed.contains("read: {\"from-consumer\":{\"value\":"), printed);
      assertTrue(printed.contains("change: {\"op\":\"write\",\"key\":\"from-consumer\""), printed);
    } finally {
      kvs.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static Process run(String mainClass, List<String> args, Map<String, String> env, Path output) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", JAR.toString(), mainClass));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("KVS_") || name.startsWith("PG"));
    builder.environment().putAll(new HashMap<>(env));
    return builder.start();
  }
}
