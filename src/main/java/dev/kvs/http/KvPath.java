package dev.kvs.http;

import dev.kvs.access.Scope;
import dev.kvs.service.KvsException;
import io.vertx.core.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The API path of a request, read from the raw (still percent-encoded) path. vertx-web's router
 * normalises paths first, which turns a key of "." or ".." into a dot segment and drops it; keys
 * may hold any printable ASCII, so the key is everything after "/kv/", percent-decoded here.
 * Metrics and the OpenAPI document name a request by its resource's template, never by its key.
 */
record KvPath(String ns, Resource resource, String key) {

  /** The resources of the key-value API, with the route template metrics and docs name them by. */
  enum Resource {
    RECORD("/v1/ns/:ns/kv/:key", HttpMethod.GET, HttpMethod.PUT, HttpMethod.DELETE),
    LIST("/v1/ns/:ns/kv", HttpMethod.GET),
    BULK_GET("/v1/ns/:ns/bulk/get", HttpMethod.POST),
    BULK_WRITE("/v1/ns/:ns/bulk/write", HttpMethod.POST),
    BULK_DELETE("/v1/ns/:ns/bulk/delete", HttpMethod.POST),
    CHANGES("/v1/ns/:ns/changes", HttpMethod.GET);

    final String template;
    final List<HttpMethod> methods;
    /** The value of the Allow header of a 405. */
    final String allow;

    /** What a token needs for this method here: reads read, everything else writes. */
    Scope scope(HttpMethod method) {
      return this == BULK_GET || HttpMethod.GET.equals(method) ? Scope.READ : Scope.WRITE;
    }

    Resource(String template, HttpMethod... methods) {
      this.template = template;
      this.methods = List.of(methods);
      this.allow = String.join(", ", this.methods.stream().map(HttpMethod::name).toList());
    }
  }

  private static final String PREFIX = "/v1/ns/";

  /** The parsed path, or null when the path is not one of the key-value API's. */
  static KvPath parse(String rawPath) {
    if (!rawPath.startsWith(PREFIX)) {
      return null;
    }
    int nsEnd = rawPath.indexOf('/', PREFIX.length());
    if (nsEnd < 0) {
      return null;
    }
    String ns = rawPath.substring(PREFIX.length(), nsEnd);
    String rest = rawPath.substring(nsEnd);
    if (rest.startsWith("/kv/")) {
      return new KvPath(ns, Resource.RECORD, percentDecode(rest.substring(4)));
    }
    Resource resource = switch (rest) {
      case "/kv" -> Resource.LIST;
      case "/bulk/get" -> Resource.BULK_GET;
      case "/bulk/write" -> Resource.BULK_WRITE;
      case "/bulk/delete" -> Resource.BULK_DELETE;
      case "/changes" -> Resource.CHANGES;
      default -> null;
    };
    return resource == null ? null : new KvPath(ns, resource, null);
  }

  /** Whether every '%' of a raw URL (path and query) starts a "%XX" escape. */
  static boolean escapesWellFormed(String rawUrl) {
    for (int i = rawUrl.indexOf('%'); i >= 0; i = rawUrl.indexOf('%', i + 3)) {
      if (i + 2 >= rawUrl.length() || hex(rawUrl.charAt(i + 1)) < 0 || hex(rawUrl.charAt(i + 2)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Strict RFC 3986 decoding: "%XX" becomes a byte, "+" stays "+", a broken escape is a 400. */
  static String percentDecode(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '%') {
        bytes.write(c);
        continue;
      }
      int hi = i + 2 < raw.length() ? hex(raw.charAt(i + 1)) : -1;
      int lo = hi >= 0 ? hex(raw.charAt(i + 2)) : -1;
      if (lo < 0) {
        throw KvsException.badRequest("invalid_request", "the URL has a broken percent-escape");
      }
      bytes.write(hi * 16 + lo);
      i += 2;
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** An ASCII hex digit's value, or -1 (Character.digit would also take other scripts' digits). */
  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    char lower = (char) (c | 0x20);
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
  }
}
