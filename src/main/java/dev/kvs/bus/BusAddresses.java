package dev.kvs.bus;

import java.util.List;

/** The event bus addresses KVS answers (request/reply) and publishes on (the change feed). */
public final class BusAddresses {
  public static final String GET = "kvs.get";
  public static final String WRITE = "kvs.write";
  public static final String CHECK_AND_WRITE = "kvs.checkAndWrite";
  public static final String DELETE = "kvs.delete";
  public static final String LIST = "kvs.list";
  public static final String BULK_GET = "kvs.bulk.get";
  public static final String BULK_WRITE = "kvs.bulk.write";
  public static final String BULK_DELETE = "kvs.bulk.delete";
  public static final String CHANGES_SINCE = "kvs.changesSince";
  /** A namespace's changes are published on this prefix followed by the namespace. */
  public static final String CHANGES_PREFIX = "kvs.changes.";
  /** The message header that carries the token, as HTTP's Authorization header does. */
  public static final String AUTHORIZATION = "authorization";

  public static final List<String> REQUEST_REPLY =
      List.of(GET, WRITE, CHECK_AND_WRITE, DELETE, LIST, BULK_GET, BULK_WRITE, BULK_DELETE, CHANGES_SINCE);

  private BusAddresses() {}
}
