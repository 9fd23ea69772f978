package dev.kvs.client;

import java.util.List;

/**
 * One page of a listing by prefix.
 *
 * @param keys the live keys of this page, in byte order
 * @param listComplete true when no key follows this page
 * @param cursor what {@link ListOptions#setCursor} takes for the next page; null when {@code listComplete}
 */
public record KvsPage(List<KvsListedKey> keys, boolean listComplete, String cursor) {
  public KvsPage {
    keys = List.copyOf(keys);
  }
}
