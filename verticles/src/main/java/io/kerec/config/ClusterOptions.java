package io.kerec.config;

import java.util.List;

/**
 * The clustered event bus (Hazelcast over TCP, no multicast): when {@code enabled}, this engine joins the cluster
 * {@code name} through the {@code members} given as {@code host:port}, listening for Hazelcast on
 * {@code host}:{@code port} and for the event bus on {@code host}:{@code busPort} (0 = any free port). Sibling
 * services that join the same cluster reach the engine's public addresses ({@code kerec.items},
 * {@code kerec.events}, {@code kerec.recommend}, {@code kerec.live.<userId>}); the engine's internal traffic stays
 * inside each instance.
 */
public record ClusterOptions(boolean enabled, String name, String host, int port, int busPort, List<String> members) {
  static ClusterOptions defaults() {
    return new ClusterOptions(false, "kerec", "127.0.0.1", 5701, 0, List.of());
  }

  void validate() {
    if (!enabled) {
      return;
    }
    Require.nonBlank("cluster.name", name);
    Require.nonBlank("cluster.host", host);
    Require.range("cluster.port", port, 1, 65535);
    Require.range("cluster.busPort", busPort, 0, 65535);
    if (members == null || members.isEmpty()) {
      throw new ConfigException("cluster.members", "list at least one member host:port to join (this one may be among them)");
    }
    for (int i = 0; i < members.size(); i++) {
      String member = members.get(i);
      if (member == null || !member.matches("[^:\\s]+(:\\d{1,5})?")) {
        throw new ConfigException("cluster.members[" + i + "]", "must be host or host:port, got " + member);
      }
    }
  }
}
