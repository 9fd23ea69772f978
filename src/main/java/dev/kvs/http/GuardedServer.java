package dev.kvs.http;

import dev.kvs.config.HttpConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;

/**
 * What every HTTP server of KVS stands behind, the API port's and the management port's alike:
 * the bounds of {@link HttpConfig} on each connection (idle timeout, request line and header
 * sizes, HTTP/2 streams), the {@link ConnectionGuard} (head deadline, connection cap), the
 * {@link RequestGuard} (501 for a method HTTP does not define, 400 for a broken percent-escape),
 * and what the HTTP decoder refuses answered with the API's error bodies.
 */
final class GuardedServer {
  private GuardedServer() {}

  /** The options of a server on {@code port}: everything else as {@code http} says. */
  private static HttpServerOptions options(HttpConfig http, int port) {
    return new HttpServerOptions()
        .setHost(http.host())
        .setPort(port)
        .setTcpNoDelay(true)
        .setIdleTimeout((int) http.idleTimeoutMs())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxInitialLineLength(HttpConfig.MAX_REQUEST_LINE_BYTES)
        .setMaxHeaderSize(http.maxHeaderBytes())
        .setDecompressionSupported(false)
        .setHttp2ClearTextEnabled(http.http2Cleartext())
        .setInitialSettings(new Http2Settings()
            .setMaxConcurrentStreams(http.http2MaxStreams())
            .setMaxHeaderListSize(http.maxHeaderBytes()));
  }

  /** A router whose first handler is the request guard: what is mounted on it sees only requests the guard let through. */
  static Router router(Vertx vertx, Responses responses) {
    Router router = Router.router(vertx);
    router.route().handler(new RequestGuard(responses)::handle);
    return router;
  }

  /**
   * A server on {@code port} (not yet listening) that hands every connection to {@code connections},
   * and every request to it and then to {@code router} (made by {@link #router}).
   */
  static HttpServer create(Vertx vertx, HttpConfig http, int port, ConnectionGuard connections, Responses responses,
      Router router) {
    return vertx.createHttpServer(options(http, port))
        .connectionHandler(connections::connected)
        .invalidRequestHandler(responses::invalidRequest)
        .requestHandler(request -> {
          connections.requestArrived(request);
          router.handle(request);
        });
  }
}
