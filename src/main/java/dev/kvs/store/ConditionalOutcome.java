package dev.kvs.store;

/**
 * What a conditional write did: {@code written} with the stored record, or refused with the
 * live record the condition was checked against ({@code record} is null only when that record
 * vanished before it could be read back).
 */
public record ConditionalOutcome(boolean written, StoredRecord record) {}
