package dev.kvs.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * Where KVS serves its API, from {@link KvsHttpClientOptions#setBaseUrl}: scheme, host, port and
 * the path prefix a proxy may put in front of {@code /v1} (empty, or starting with "/", never ending with one).
 */
record BaseUrl(boolean ssl, String host, int port, String pathPrefix) {

  /**
   * @throws NullPointerException when there is none
   * @throws IllegalArgumentException when it is not an http(s) URL with a host and nothing after the path
   */
  static BaseUrl parse(String url) {
    Objects.requireNonNull(url, "baseUrl");
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("baseUrl is not a URL: " + url, e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("baseUrl must be http:// or https://, got " + url);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("baseUrl has no host: " + url);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("baseUrl takes no user info, query or fragment: " + url);
    }
    boolean ssl = scheme.equals("https");
    int port = uri.getPort() >= 0 ? uri.getPort() : ssl ? 443 : 80;
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    // An IPv6 literal comes back bracketed; the client wants the bare address.
    String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
    return new BaseUrl(ssl, host, port, path);
  }
}
