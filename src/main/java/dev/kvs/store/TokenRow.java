package dev.kvs.store;

import dev.kvs.access.Grant;

/** A token as stored and listed: everything but its secret, which is never kept. */
public record TokenRow(Grant grant, String description, long createdAtMs) {}
