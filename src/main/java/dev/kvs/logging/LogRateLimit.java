package dev.kvs.logging;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Keeps a log line that clients or an outage can trigger at request rate (a 500, a failed
 * notification) from flooding the log: at most one line per interval; the lines held back in
 * between are counted and mentioned by the next one. Safe to share between threads.
 *
 * <pre>
 * String more = limit.permit();
 * if (more != null) LOG.warn("notification failed{}", more, failure);
 * </pre>
 */
public final class LogRateLimit {
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final AtomicLong nextAllowedNanos;
  private final AtomicLong heldBack = new AtomicLong();

  public LogRateLimit(long interval, TimeUnit unit) {
    this(interval, unit, System::nanoTime);
  }

  LogRateLimit(long interval, TimeUnit unit, LongSupplier nanoClock) {
    this.intervalNanos = unit.toNanos(interval);
    this.nanoClock = nanoClock;
    this.nextAllowedNanos = new AtomicLong(nanoClock.getAsLong());
  }

  /**
   * Null when this line must be dropped; otherwise the text to append to it: empty, or how many
   * lines were held back since the last one logged.
   */
  public String permit() {
    long now = nanoClock.getAsLong();
    long next = nextAllowedNanos.get();
    if (now - next < 0 || !nextAllowedNanos.compareAndSet(next, now + intervalNanos)) {
      heldBack.incrementAndGet();
      return null;
    }
    long dropped = heldBack.getAndSet(0);
    return dropped == 0 ? "" : " (" + dropped + " more like it not logged since the last one)";
  }
}
