package dev.kvs.client;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A key as a listing shows it: without its value.
 *
 * @param name the key
 * @param expiredAt when its record expires
 * @param metadata the record's metadata, or null when it has none
 */
public record KvsListedKey(String name, Instant expiredAt, JsonObject metadata) {}
