import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * The ceiling for cache hits: a bare Vert.x HTTP server, one verticle per core as KVS deploys
 * them, answering every request with a fixed JSON record of the size of a KVS GET answer. No
 * routing, no metrics, no lookups: what the machine can serve over HTTP at all.
 *
 * Run from the service jar (it holds vertx-core):
 *   java -cp target/kvs.jar load-tests/bench/BareVertx.java PORT
 */
public class BareVertx extends AbstractVerticle {
  private static final Buffer RECORD = Buffer.buffer("{\"k1\":{\"value\":{\"payload\":\"" + "x".repeat(150)
      + "\",\"n\":1},\"created_at\":\"2026-11-26T10:00:00.000Z\",\"expired_at\":\"2026-12-03T10:00:00.000Z\"}}");

  private final int port;

  public BareVertx(int port) {
    this.port = port;
  }

  @Override
  public void start(Promise<Void> started) {
    vertx.createHttpServer()
        .requestHandler(request -> request.response().putHeader("content-type", "application/json").end(RECORD))
        .listen(port)
        .<Void>mapEmpty()
        .onComplete(started);
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int cores = Runtime.getRuntime().availableProcessors();
    Vertx.vertx().deployVerticle(() -> new BareVertx(port), new DeploymentOptions().setInstances(cores)).await();
    System.out.println("bare Vert.x server on port " + port + " with " + cores + " event loops");
  }
}
