package dev.kvs.store;

/**
 * A live record as the database holds it. {@code value} and {@code metadata} are compact JSON
 * text, passed through to responses unparsed; {@code metadata} is null when the record has none.
 */
public record StoredRecord(String value, String metadata, long createdAtMs, long expiredAtMs) {}
