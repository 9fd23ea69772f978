package dev.kvs.service;

import dev.kvs.store.ListedKey;
import java.util.List;

/** One page of a listing; {@code cursor} is null when the listing is complete. */
public record ListPage(List<ListedKey> keys, boolean complete, String cursor) {}
