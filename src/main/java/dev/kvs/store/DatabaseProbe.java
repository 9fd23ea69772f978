package dev.kvs.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * "Does the database answer?", for the readiness probe. Asked on the background pool, so that a
 * request pool saturated by user traffic cannot fail readiness on every replica at once; one
 * query in flight at a time, shared by all concurrent probes, so that a flood of probes cannot
 * queue behind itself; and a deadline, so that a probe never hangs.
 */
public final class DatabaseProbe {
  private final Vertx vertx;
  private final Pool pool;
  private final long timeoutMs;
  private final AtomicReference<Future<Void>> inFlight = new AtomicReference<>();

  public DatabaseProbe(Vertx vertx, Pool pool, long timeoutMs) {
    this.vertx = vertx;
    this.pool = pool;
    this.timeoutMs = timeoutMs;
  }

  /** Succeeds when the database answered a query within the deadline. Completes on the caller's context. */
  public Future<Void> ping() {
    Future<Void> shared = inFlight.get();
    while (shared == null) {
      Promise<Void> mine = Promise.promise();
      if (inFlight.compareAndSet(null, mine.future())) {
        pool.query("SELECT 1").execute().<Void>mapEmpty().timeout(timeoutMs, TimeUnit.MILLISECONDS)
            .onComplete(done -> {
              inFlight.compareAndSet(mine.future(), null);
              mine.handle(done);
            });
        shared = mine.future();
      } else {
        shared = inFlight.get();
      }
    }
    Context caller = vertx.getOrCreateContext();
    Promise<Void> answer = Promise.promise();
    shared.onComplete(done -> caller.runOnContext(v -> answer.handle(done)));
    return answer.future();
  }
}
