package dev.kvs.client;

/**
 * The comparison of a conditional write: it writes when {@code created_at <operator> unixtimeMs}
 * holds for the live record, or when there is no live record.
 *
 * <p>{@link #EQ} with a {@code created_at} you read is a compare-and-swap: {@code created_at}
 * strictly increases on every write of a key, so two writes can never both match it.
 */
public enum Operator {
  LT("<"),
  LE("<="),
  EQ("="),
  GE(">="),
  GT(">");

  private final String symbol;

  Operator(String symbol) {
    this.symbol = symbol;
  }

  /** The operator as the API spells it: {@code "<"}, {@code "<="}, {@code "="}, {@code ">="} or {@code ">"}. */
  public String symbol() {
    return symbol;
  }
}
