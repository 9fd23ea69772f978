package dev.kvs.config;

import java.util.Arrays;
import java.util.List;

/**
 * The HTTP server: where it listens, and the bounds that keep one client from exhausting it
 * (connections, deadlines, header and body sizes).
 *
 * @param maxConnections open connections per process; when full, the connection that has waited
 *     longest for a request head is closed to make room, else the new one is refused
 * @param idleTimeoutMs a connection with no bytes in either direction for this long is closed
 * @param headTimeoutMs time allowed for a request head to arrive, counted from the connection's
 *     opening or from the end of its previous response (so it is also the keep-alive limit)
 * @param bodyTimeoutMs time allowed for a request body to arrive in full (408 beyond)
 * @param corsOrigins origins allowed to call from a browser; empty: no CORS headers at all
 * @param managementPort where /metrics and /health/* are served instead of {@code port}, or -1
 *     to serve them on {@code port}
 */
public record HttpConfig(
    String host,
    int port,
    int instances,
    int maxConnections,
    long idleTimeoutMs,
    long headTimeoutMs,
    long bodyTimeoutMs,
    int maxHeaderBytes,
    boolean http2Cleartext,
    int http2MaxStreams,
    List<String> corsOrigins,
    BodyLimits bodyLimits,
    int managementPort) {

  /** Longest request line (method, path and query): a legal request's is under 2.5 KB. */
  public static final int MAX_REQUEST_LINE_BYTES = 4_096;

  /** The largest body each route buffers (413 beyond), checked before it is buffered in full. */
  public record BodyLimits(int write, int bulkGet, int bulkWrite, int bulkDelete) {}

  static HttpConfig fromEnv(EnvReader in, KvsConfig.RecordLimits limits) {
    int cores = Runtime.getRuntime().availableProcessors();
    // A body must fit a value at its limit, fully \\u-escaped in the worst case, plus metadata.
    int worstWrite = limits.maxValueBytes() * 6 + limits.maxMetadataBytes() * 6 + 1_024;
    int write = in.intValue("KVS_MAX_BODY_BYTES", Math.max(64 * 1024, worstWrite), 1_024, 256 * 1024 * 1024);
    // 1,000 items at the single-write worst case plus their escaped keys: any legal bulk write fits.
    int bulkWrite = in.intValue("KVS_MAX_BULK_BODY_BYTES",
        Math.max(8 * 1024 * 1024, ApiLimits.MAX_BULK_WRITE_ITEMS * (worstWrite + ApiLimits.MAX_KEY_JSON_BYTES)),
        1_024, 1_024 * 1_024 * 1_024);
    // Key lists need no setting: their worst case follows from the API's fixed limits.
    BodyLimits bodies = new BodyLimits(write,
        ApiLimits.MAX_BULK_GET_KEYS * ApiLimits.MAX_KEY_JSON_BYTES + 64,
        bulkWrite,
        ApiLimits.MAX_BULK_DELETE_KEYS * ApiLimits.MAX_KEY_JSON_BYTES + 64);
    int port = in.intValue("KVS_HTTP_PORT", 8080, 0, 65_535);
    int managementPort = in.intValue("KVS_MANAGEMENT_PORT", -1, 1, 65_535);
    if (managementPort == port) {
      throw new IllegalArgumentException("KVS_MANAGEMENT_PORT must differ from KVS_HTTP_PORT (" + port + ")");
    }
    return new HttpConfig(
        in.string("KVS_HTTP_HOST", "0.0.0.0"),
        port,
        in.intValue("KVS_HTTP_INSTANCES", cores, 1, 256),
        in.intValue("KVS_HTTP_MAX_CONNECTIONS", 10_000, 1, 1_000_000),
        in.longValue("KVS_HTTP_IDLE_TIMEOUT_MS", 120_000, 100, 3_600_000),
        in.longValue("KVS_HTTP_HEAD_TIMEOUT_MS", 10_000, 100, 3_600_000),
        in.longValue("KVS_HTTP_BODY_TIMEOUT_MS", 30_000, 100, 3_600_000),
        in.intValue("KVS_HTTP_MAX_HEADER_BYTES", 8_192, 1_024, 1_048_576),
        in.bool("KVS_HTTP2_CLEARTEXT", false),
        in.intValue("KVS_HTTP2_MAX_STREAMS", 100, 1, 10_000),
        origins(in.string("KVS_CORS_ORIGINS", "")),
        bodies,
        managementPort);
  }

  /** Whether the health endpoints and metrics have a port of their own. */
  public boolean separateManagementPort() {
    return managementPort > 0;
  }

  private static List<String> origins(String list) {
    List<String> origins = Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (String origin : origins) {
      if (origin.equals("*") || !origin.matches("https?://[^/\\s]+")) {
        throw new IllegalArgumentException("KVS_CORS_ORIGINS must list origins such as https://app.example.com"
            + " (scheme and host, no path, no '*'), got '" + origin + "'");
      }
    }
    return origins;
  }
}
