package dev.kvs.service;

import dev.kvs.store.StoredRecord;

/** A conditional write refused (404 condition_failed), carrying the live record it was checked against. */
public final class ConditionFailedException extends KvsException {
  private final String key;
  private final StoredRecord current;

  public ConditionFailedException(String key, StoredRecord current) {
    super(404, "condition_failed", "the record exists and the condition on created_at is false");
    this.key = key;
    this.current = current;
  }

  public String key() {
    return key;
  }

  public StoredRecord current() {
    return current;
  }
}
