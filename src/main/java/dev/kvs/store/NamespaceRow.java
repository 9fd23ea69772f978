package dev.kvs.store;

/**
 * A namespace as stored. A null limit follows the server's default.
 *
 * @param deleting the namespace is being deleted: it no longer exists for any caller
 */
public record NamespaceRow(String name, Long maxTtlMinutes, Integer maxValueBytes, Integer maxMetadataBytes,
    Integer requestsPerSecond, long createdAtMs, boolean deleting) {

  /** Limits to set; a null field is the server default. */
  public record Limits(Long maxTtlMinutes, Integer maxValueBytes, Integer maxMetadataBytes, Integer requestsPerSecond) {
    public static final Limits DEFAULTS = new Limits(null, null, null, null);
  }
}
