package io.kerec.config;

import java.util.Map;

/**
 * JanusGraph storage: {@code berkeleyje} (embedded, under the data directory unless {@code directory} is set),
 * {@code inmemory}, or {@code cql} (Cassandra/ScyllaDB; connection settings go in {@code properties} as JanusGraph
 * keys, e.g. {@code storage.hostname}).
 */
public record GraphStoreOptions(String backend, String directory, Map<String, String> properties) {
  static GraphStoreOptions defaults() {
    return new GraphStoreOptions("berkeleyje", null, Map.of());
  }

  void validate() {
    Require.oneOf("graph.backend", backend, "berkeleyje", "inmemory", "cql");
  }
}
