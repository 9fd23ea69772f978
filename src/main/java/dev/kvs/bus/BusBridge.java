package dev.kvs.bus;

import dev.kvs.access.AccessControl;
import dev.kvs.access.Scope;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;

/**
 * The event bus for consumers that are not on the JVM (browsers, Node, anything that speaks
 * SockJS or a plain WebSocket), at {@code /v1/eventbus} on the API port when KVS_BUS_BRIDGE is on.
 * It lets through only what a consumer may do: requests to the request/reply addresses (each one
 * checked by {@link BusApi} against the token in its {@code authorization} header, as on the bus)
 * and subscriptions to {@code kvs.changes.{ns}}, which the bridge itself checks: a subscription
 * needs a token with read scope on that namespace in the register frame's headers. Nothing may
 * be published into the bus through it.
 */
public final class BusBridge {
  /** Where it is mounted; SockJS's raw WebSocket transport is {@code PATH + "/websocket"}. */
  public static final String PATH = "/v1/eventbus";
  private static final String CHANGES = BusAddresses.CHANGES_PREFIX.replace(".", "\\.") + "[a-z0-9][a-z0-9_-]{0,62}";

  private final AccessControl access;

  public BusBridge(AccessControl access) {
    this.access = access;
  }

  /** The bridge's routes, for {@code router.route(PATH + "/*").subRouter(...)}. */
  public Router router(Vertx vertx) {
    SockJSBridgeOptions options = new SockJSBridgeOptions().addOutboundPermitted(new PermittedOptions().setAddressRegex(CHANGES));
    for (String address : BusAddresses.REQUEST_REPLY) {
      options.addInboundPermitted(new PermittedOptions().setAddress(address));
    }
    return SockJSHandler.create(vertx).bridge(options, this::check);
  }

  private void check(BridgeEvent event) {
    BridgeEventType type = event.type();
    if (type == BridgeEventType.PUBLISH) {
      event.complete(false); // requests are sent, never published
      return;
    }
    if (type != BridgeEventType.REGISTER) {
      event.complete(true); // sends are checked where they are served, like any bus request
      return;
    }
    JsonObject frame = event.getRawMessage();
    String address = frame == null ? null : frame.getString("address");
    JsonObject headers = frame == null ? null : frame.getJsonObject("headers");
    String authorization = headers == null ? null : headers.getString(BusAddresses.AUTHORIZATION);
    if (address == null || !address.startsWith(BusAddresses.CHANGES_PREFIX)) {
      event.complete(false);
      return;
    }
    String ns = address.substring(BusAddresses.CHANGES_PREFIX.length());
    access.forData(authorization, ns, Scope.READ).onComplete(ok -> event.complete(true), refused -> event.complete(false));
  }
}
