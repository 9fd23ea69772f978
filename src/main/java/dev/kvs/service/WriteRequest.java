package dev.kvs.service;

import dev.kvs.store.Expiry;
import dev.kvs.store.Operator;

/**
 * A validated write: compact JSON {@code value} and optional {@code metadata}, the expiry, and
 * for a conditional write the operator and the {@code unixtimeMs} it compares with.
 */
public record WriteRequest(String value, String metadata, Expiry expiry, Operator operator, Long unixtimeMs) {
  public boolean conditional() {
    return operator != null;
  }
}
