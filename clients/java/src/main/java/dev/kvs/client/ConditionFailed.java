package dev.kvs.client;

/**
 * A conditional write was refused: the record exists and its {@code created_at} did not satisfy
 * the condition (404 {@code condition_failed}). Nothing was written.
 */
public final class ConditionFailed extends KvsFailure {
  private final KvsRecord current;

  public ConditionFailed(String message, KvsRecord current, Throwable cause) {
    super(404, CONDITION_FAILED, message, cause);
    this.current = current;
  }

  /**
   * The live record that refused the write, read by the same statement: retry with its
   * {@link KvsRecord#createdAtMillis()} without a second read. Null only if the server sent none.
   */
  public KvsRecord current() {
    return current;
  }
}
