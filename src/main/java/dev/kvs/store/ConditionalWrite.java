package dev.kvs.store;

/** One conditional write: the record for {@code ns}, if the live one's {@code created_at <op> unixtimeMs}. */
record ConditionalWrite(String ns, NewRecord record, Operator op, long unixtimeMs) {
  RecordId id() {
    return new RecordId(ns, record.key());
  }
}
