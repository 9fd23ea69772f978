package dev.kvs.client;

import java.time.Instant;

/**
 * One committed change of a namespace, as the change feed and {@link KvsClient#changesSince} tell it.
 *
 * @param op what happened
 * @param key the key it happened to
 * @param createdAt the record's {@code created_at} as the server reports it with the change (null if it sends none)
 * @param expiredAt the record's {@code expired_at} as the server reports it with the change (null if it sends none)
 * @param cursor the change's position in the namespace's change log: {@link KvsClient#changesSince}
 *     from it returns the changes after this one (null if the server sends none)
 */
public record KvsChange(Op op, String key, Instant createdAt, Instant expiredAt, String cursor) {

  /** The kind of a change. */
  public enum Op {
    /** A write, conditional write or bulk write stored the record. */
    WRITE("write"),
    /** A delete or bulk delete removed it. */
    DELETE("delete"),
    /** It expired (reported when the background purge removes it). */
    EXPIRE("expire");

    private final String wireName;

    Op(String wireName) {
      this.wireName = wireName;
    }

    /** The op as the API spells it: {@code "write"}, {@code "delete"} or {@code "expire"}. */
    public String wireName() {
      return wireName;
    }

    static Op fromWire(String name) {
      for (Op op : values()) {
        if (op.wireName.equals(name)) {
          return op;
        }
      }
      throw new IllegalArgumentException("unknown change op: " + name);
    }
  }
}
