package dev.kvs.store;

/** One committed change of a record, as the change log holds it; {@code op} is write, delete or expire. */
public record LoggedChange(ChangeCursor cursor, String ns, String key, String op, long createdAtMs, long expiredAtMs) {}
