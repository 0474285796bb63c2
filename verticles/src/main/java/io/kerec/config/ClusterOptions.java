package io.kerec.config;

import java.util.List;

/**
 * The clustered event bus (Hazelcast over TCP, no multicast): when {@code enabled}, this engine joins the cluster
 * {@code name} through the {@code members} given as {@code host:port}, listening for Hazelcast on
 * {@code host}:{@code port} and for the event bus on {@code host}:{@code busPort} (0 = any free port). Sibling
 * services that join the same cluster reach the engine's public addresses ({@code kerec.items},
 * {@code kerec.events}, {@code kerec.recommend}, {@code kerec.live.<userId>}); the engine's internal traffic stays
 * inside each instance.
 * <p>
 * {@code secretEnv} names the environment variable holding the cluster's shared secret (at least 32 characters):
 * with it, the Hazelcast cluster name is derived from the secret (a node without it cannot join) and every message
 * carries an HMAC of the secret that receivers check (a node without it cannot send). {@code tls} puts the event
 * bus's connections under mutual TLS ({@link ClusterTlsOptions}).
 */
public record ClusterOptions(boolean enabled, String name, String host, int port, int busPort, List<String> members,
                             String secretEnv, ClusterTlsOptions tls) {
  static ClusterOptions defaults() {
    return new ClusterOptions(false, "kerec", "127.0.0.1", 5701, 0, List.of(), null, ClusterTlsOptions.defaults());
  }

  /** A plain cluster (no secret, no TLS): for sibling services and tests. */
  public ClusterOptions(boolean enabled, String name, String host, int port, int busPort, List<String> members) {
    this(enabled, name, host, port, busPort, members, null, ClusterTlsOptions.defaults());
  }

  /** Whether members authenticate with the shared secret. */
  public boolean secured() {
    return secretEnv != null && !secretEnv.isBlank();
  }

  void validate() {
    if (tls == null) {
      throw new ConfigException("cluster.tls", "must be an object");
    }
    if (!enabled) {
      return;
    }
    tls.validate();
    if (secretEnv != null && secretEnv.isBlank()) {
      throw new ConfigException("cluster.secretEnv", "must name an environment variable, or be absent");
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
