package dev.kvs.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.kvs.config.ClusterConfig;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Clustered mode's Hazelcast member and event bus settings, from {@link ClusterConfig}. Joining is
 * explicit, never multicast: a TCP/IP member list, or the addresses behind a Kubernetes headless
 * Service's DNS name. A consumer process that joins the cluster can build its own the same way.
 */
public final class HazelcastCluster {
  /** A member that stops answering heartbeats is dropped after this long (Hazelcast's default is 60 s). */
  static final int MAX_NO_HEARTBEAT_SECONDS = 10;

  private HazelcastCluster() {}

  /** The cluster manager of a member with these settings. */
  public static HazelcastClusterManager clusterManager(ClusterConfig cluster) {
    return new HazelcastClusterManager(hazelcastConfig(cluster));
  }

  /** Vert.x's own Hazelcast settings (the maps its event bus needs), joined as configured. */
  public static Config hazelcastConfig(ClusterConfig cluster) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(cluster.name());
    // Vert.x and KVS close in their own shutdown hook, which leaves the cluster in order.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(MAX_NO_HEARTBEAT_SECONDS));

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    if (cluster.host() != null) {
      network.setPublicAddress(cluster.host() + ":" + cluster.port());
      network.getInterfaces().setEnabled(true).addInterface(cluster.host());
      config.setProperty("hazelcast.local.localAddress", cluster.host());
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (cluster.kubernetesService() != null) {
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", cluster.kubernetesService())
          .setProperty("service-port", Integer.toString(cluster.port()));
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    }
    return config;
  }

  /** Where this member's event bus listens and what address it gives the others. */
  public static VertxOptions withEventBus(VertxOptions options, ClusterConfig cluster) {
    EventBusOptions bus = new EventBusOptions().setPort(cluster.busPort());
    if (cluster.host() != null) {
      bus.setHost(cluster.host()).setClusterPublicHost(cluster.host());
    }
    return options.setEventBusOptions(bus);
  }
}
