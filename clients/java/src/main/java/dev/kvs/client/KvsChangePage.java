package dev.kvs.client;

import java.util.List;

/**
 * One page of a namespace's change log.
 *
 * @param changes the changes, oldest first
 * @param listComplete false when more changes are available right now: ask again with {@code cursor}
 * @param cursor where the next call of {@link KvsClient#changesSince} goes on from (always present)
 */
public record KvsChangePage(List<KvsChange> changes, boolean listComplete, String cursor) {
  public KvsChangePage {
    changes = List.copyOf(changes);
  }
}
