package dev.kvs.store;

/** One record of a bulk write: compact JSON value and metadata (or null), and its expiry. */
public record NewRecord(String key, String value, String metadata, Expiry expiry) {}
