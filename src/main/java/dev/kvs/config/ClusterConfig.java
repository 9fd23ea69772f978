package dev.kvs.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Clustered mode: KVS processes and consumer processes share one Vert.x event bus through
 * Hazelcast. Off unless {@code KVS_CLUSTER=hazelcast}; a standalone process needs none of this.
 *
 * @param name Hazelcast cluster name: processes with another name never join this cluster
 * @param members TCP/IP join list, {@code host[:port]} each (empty: Kubernetes DNS or no join)
 * @param kubernetesService DNS name of a headless Service whose addresses are the members, or null
 * @param port the Hazelcast member port
 * @param host the address to bind and to advertise to the other members (null: Hazelcast picks one)
 * @param busPort the event bus's own TCP port between members (0: any free port)
 * @param bridge whether the SockJS event bus bridge serves consumers that are not on the JVM, on
 *     the API port (in either mode)
 */
public record ClusterConfig(boolean enabled, String name, List<String> members, String kubernetesService,
    int port, String host, int busPort, boolean bridge) {

  static ClusterConfig fromEnv(EnvReader in) {
    String mode = in.oneOf("KVS_CLUSTER", "OFF", Set.of("OFF", "HAZELCAST"));
    List<String> members = new ArrayList<>();
    for (String member : in.string("KVS_CLUSTER_MEMBERS", "").split(",")) {
      if (!member.isBlank()) {
        members.add(member.trim());
      }
    }
    String kubernetes = in.stringOrNull("KVS_CLUSTER_KUBERNETES_SERVICE");
    if (!members.isEmpty() && kubernetes != null) {
      throw new IllegalArgumentException(
          "set KVS_CLUSTER_MEMBERS (a TCP/IP member list) or KVS_CLUSTER_KUBERNETES_SERVICE (DNS discovery), not both");
    }
    String name = in.string("KVS_CLUSTER_NAME", "kvs");
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException("KVS_CLUSTER_NAME must be 1 to 64 of A-Z a-z 0-9 . _ -, got '" + name + "'");
    }
    return new ClusterConfig(mode.equals("HAZELCAST"), name, List.copyOf(members), kubernetes,
        in.intValue("KVS_CLUSTER_PORT", 5701, 1, 65_535),
        in.stringOrNull("KVS_CLUSTER_HOST"),
        in.intValue("KVS_CLUSTER_BUS_PORT", 0, 0, 65_535),
        in.bool("KVS_BUS_BRIDGE", false));
  }
}
