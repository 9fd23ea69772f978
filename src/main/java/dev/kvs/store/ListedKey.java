package dev.kvs.store;

/** One entry of a listing: the key, its expiry and its metadata (compact JSON, or null). */
public record ListedKey(String name, long expiredAtMs, String metadata) {}
