package dev.kvs.store;

import io.micrometer.core.instrument.DistributionSummary;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Shares statements between concurrent single-record requests of one kind. At most
 * {@code maxInFlight} statements run at once ({@code KVS_BATCH_MAX_IN_FLIGHT}, at most the pool's size);
 * requests that arrive while all run wait here, and go out together, up to {@code maxBatch} in one
 * statement, as soon as one returns. An idle service therefore sends each request at once, alone
 * (no added latency), and a busy one pays one statement, one round trip and, for writes, one commit
 * for many requests instead of one each.
 *
 * @param <R> a request
 * @param <A> its answer
 */
final class StatementBatcher<R, A> {
  /** How a batch of requests runs: alone (one request), shared (two or more, answers in order). */
  interface Statements<R, A> {
    Future<A> alone(R request);

    Future<List<A>> shared(List<R> requests);
  }

  /**
   * The database refused the statement, so none of it took effect and its requests may run again:
   * not when the connection was lost or the server shut the session down (classes 08 and 57), as a
   * commit may then have happened unseen, and a conditional write run twice could refuse itself.
   */
  static boolean refusedByTheDatabase(Throwable failure) {
    if (failure instanceof PgException pg && pg.getSqlState() != null) {
      return !pg.getSqlState().startsWith("08") && !pg.getSqlState().startsWith("57");
    }
    return false;
  }

  private record Waiting<R, A>(R request, Promise<A> answer, Context context) {}

  private final Statements<R, A> statements;
  private final Function<R, Object> row;
  private final Predicate<Throwable> retryAlone;
  private final int maxInFlight;
  private final int maxBatch;
  private final DistributionSummary sizes;
  private final LinkedList<Waiting<R, A>> queue = new LinkedList<>();
  private int inFlight; // guarded by this

  /**
   * @param row the row a request changes, for writes: two requests on one row never share a
   *     statement (the later waits for the next, so a row's changes keep their order); null for reads
   * @param retryAlone which failures of a shared statement run its requests again one by one, so
   *     that one held row (lock timeout) or one bad value fails only its own request; on any other
   *     failure every request of the statement fails with it
   */
  StatementBatcher(Statements<R, A> statements, Function<R, Object> row, Predicate<Throwable> retryAlone,
      int maxInFlight,
      int maxBatch, DistributionSummary sizes) {
    this.statements = statements;
    this.row = row;
    this.retryAlone = retryAlone;
    this.maxInFlight = maxInFlight;
    this.maxBatch = maxBatch;
    this.sizes = sizes;
  }

  Future<A> submit(R request) {
    Waiting<R, A> waiting = new Waiting<>(request, Promise.promise(), Vertx.currentContext());
    List<Waiting<R, A>> batch = null;
    synchronized (this) {
      queue.add(waiting);
      if (inFlight < maxInFlight) {
        inFlight++;
        batch = take();
      }
    }
    if (batch != null) {
      send(batch);
    }
    return waiting.answer.future();
  }

  /** Up to maxBatch waiting requests, oldest first, at most one per row; called holding the lock. */
  private List<Waiting<R, A>> take() {
    List<Waiting<R, A>> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
    Set<Object> rows = row == null ? null : new HashSet<>();
    for (Iterator<Waiting<R, A>> it = queue.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
      Waiting<R, A> w = it.next();
      if (rows == null || rows.add(row.apply(w.request))) {
        batch.add(w);
        it.remove();
      }
    }
    return batch;
  }

  private void send(List<Waiting<R, A>> batch) {
    sizes.record(batch.size());
    if (batch.size() == 1) {
      alone(batch.get(0)).onComplete(done -> next());
      return;
    }
    statements.shared(batch.stream().map(Waiting::request).toList()).onComplete(answers -> {
      for (int i = 0; i < batch.size(); i++) {
        answer(batch.get(i), answers.get(i), null);
      }
      next();
    }, failure -> {
      if (!retryAlone.test(failure)) {
        batch.forEach(w -> answer(w, null, failure));
        next();
        return;
      }
      Future<?> chain = Future.succeededFuture();
      for (Waiting<R, A> w : batch) {
        chain = chain.eventually(() -> alone(w));
      }
      chain.onComplete(done -> next());
    });
  }

  private Future<A> alone(Waiting<R, A> w) {
    return statements.alone(w.request).onComplete(a -> answer(w, a, null), failure -> answer(w, null, failure));
  }

  /** The statement returned: the next batch takes its place, or the slot is free. */
  private void next() {
    List<Waiting<R, A>> batch = null;
    synchronized (this) {
      if (queue.isEmpty()) {
        inFlight--;
      } else {
        batch = take();
      }
    }
    if (batch != null) {
      send(batch);
    }
  }

  /** Completed on the caller's own event loop, as an unbatched call would be. */
  private static <R, A> void answer(Waiting<R, A> waiting, A answer, Throwable failure) {
    Context here = Vertx.currentContext();
    if (waiting.context == null || waiting.context == here) {
      complete(waiting, answer, failure);
    } else {
      waiting.context.runOnContext(v -> complete(waiting, answer, failure));
    }
  }

  private static <R, A> void complete(Waiting<R, A> waiting, A answer, Throwable failure) {
    if (failure != null) {
      waiting.answer.fail(failure);
    } else {
      waiting.answer.complete(answer);
    }
  }
}
