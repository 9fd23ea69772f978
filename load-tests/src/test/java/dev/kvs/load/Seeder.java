package dev.kvs.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.IntFunction;

/**
 * Writes the records a simulation needs before its load starts, through the service's own bulk
 * write (1,000 records per call), so a run needs nothing but the base URL.
 */
final class Seeder {
  private static final int BULK_LIMIT = 1_000;
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * Writes {@code keyOf(0) .. keyOf(count-1)} with values {@code {"n": i}}, unless {@code -Dseed=false}
   * says a previous run left them.
   */
  static void numbered(int count, IntFunction<String> keyOf) {
    if (LoadParameters.SEED) {
      write(count, keyOf, i -> "{\"n\":" + i + "}");
    }
  }

  /** Writes {@code keyOf(0) .. keyOf(count-1)}, each with value {@code valueOf(i)} (JSON text). */
  static void write(int count, IntFunction<String> keyOf, IntFunction<String> valueOf) {
    long started = System.nanoTime();
    for (int from = 0; from < count; from += BULK_LIMIT) {
      StringBuilder body = new StringBuilder("{\"items\":[");
      for (int i = from; i < Math.min(count, from + BULK_LIMIT); i++) {
        if (i > from) {
          body.append(',');
        }
        body.append("{\"key\":\"").append(keyOf.apply(i)).append("\",\"value\":").append(valueOf.apply(i))
            .append(",\"minutesToExpire\":1440}");
      }
      post(KvsHttp.NAMESPACE_PATH + "/bulk/write", body.append("]}").toString());
    }
    System.out.printf("seeded %,d records in %d ms%n", count, (System.nanoTime() - started) / 1_000_000);
  }

  private static void post(String path, String body) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(LoadParameters.BASE_URL + path))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (!LoadParameters.TOKEN.isEmpty()) {
      builder.header("Authorization", "Bearer " + LoadParameters.TOKEN);
    }
    HttpRequest request = builder.build();
    try {
      HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("seeding failed: " + response.statusCode() + " " + response.body());
      }
    } catch (IOException e) {
      throw new IllegalStateException("seeding failed: is KVS running at " + LoadParameters.BASE_URL + "? " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("seeding interrupted", e);
    }
  }

  private Seeder() {}
}
