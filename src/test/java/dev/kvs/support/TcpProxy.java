package dev.kvs.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay between the service and the real PostgreSQL, so a test can cut the database off
 * (refuse new connections and drop the open ones) or silence the open connections, and bring it
 * back, without touching the server. It also counts the connections it accepted (in front of a
 * client, with keep-alive off, that is the number of requests the client tried).
 */
public final class TcpProxy {
  private final Vertx vertx;
  private final String targetHost;
  private final int targetPort;
  private final NetClient client;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private final Set<NetSocket> frozen = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private NetServer server;
  private int port;

  public TcpProxy(Vertx vertx, String targetHost, int targetPort) {
    this.vertx = vertx;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient();
  }

  /** Starts relaying, on the same port as before when restarted. */
  public int start() {
    server = vertx.createNetServer().connectHandler(this::relay);
    server.listen(port, "127.0.0.1").await();
    port = server.actualPort();
    return port;
  }

  /** The database is gone: no new connections, and every open one is cut. */
  public void stop() {
    server.close().await();
    for (NetSocket socket : open) {
      socket.close();
    }
    open.clear();
  }

  /**
   * The network goes silent without telling anyone: every open connection stays up but carries
   * nothing either way, as with a peer that vanished without a FIN or RST. New connections work.
   */
  public void freeze() {
    for (NetSocket socket : open) {
      socket.pause();
      frozen.add(socket);
    }
  }

  /** The frozen connections carry their data again. */
  public void thaw() {
    for (NetSocket socket : frozen) {
      socket.resume();
    }
    frozen.clear();
  }

  public int port() {
    return port;
  }

  /** Connections accepted since the relay was made. */
  public int accepted() {
    return accepted.get();
  }

  private void relay(NetSocket downstream) {
    accepted.incrementAndGet();
    downstream.pause();
    open.add(downstream);
    Future<NetSocket> connected = client.connect(targetPort, targetHost);
    connected.onSuccess(upstream -> {
      open.add(upstream);
      downstream.handler(upstream::write);
      upstream.handler(downstream::write);
      downstream.closeHandler(v -> upstream.close());
      upstream.closeHandler(v -> downstream.close());
      downstream.resume();
    }).onFailure(failure -> downstream.close());
  }
}
