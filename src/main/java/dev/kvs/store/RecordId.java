package dev.kvs.store;

/** A record's identity: its namespace and key. */
public record RecordId(String ns, String key) {}
