package dev.kvs.store;

/** The comparison of a conditional write: {@code created_at <operator> unixtimeMs}. */
public enum Operator {
  LT("<"), LE("<="), EQ("="), GE(">="), GT(">");

  private final String symbol;

  Operator(String symbol) {
    this.symbol = symbol;
  }

  public String symbol() {
    return symbol;
  }

  /** The operator for an API symbol, or null when the symbol is not one of the five. */
  public static Operator fromSymbol(String symbol) {
    for (Operator op : values()) {
      if (op.symbol.equals(symbol)) {
        return op;
      }
    }
    return null;
  }
}
