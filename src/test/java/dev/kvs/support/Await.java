package dev.kvs.support;

import java.util.function.BooleanSupplier;

/** Waiting on a condition instead of sleeping and hoping: polls until it holds or the deadline passes. */
public final class Await {
  private Await() {}

  /** Polls {@code condition} every 20 ms for up to {@code timeoutMs}; fails with {@code what} when it never holds. */
  public static void until(String what, long timeoutMs, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeoutMs + " ms waiting for: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what, e);
      }
    }
  }
}
