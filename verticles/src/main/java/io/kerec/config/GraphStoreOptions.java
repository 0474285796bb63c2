package io.kerec.config;

import java.util.Map;

/**
 * JanusGraph storage: {@code berkeleyje} (embedded, under the data directory unless {@code directory} is set),
 * {@code inmemory}, or {@code cql} (Cassandra/ScyllaDB; connection settings go in {@code properties} as JanusGraph
 * keys, e.g. {@code storage.hostname}).
 *
 * <p>The graph store is derived from PostgreSQL and can be rebuilt from it ({@code kerec graph rebuild}). When a
 * berkeleyje store is missing (while PostgreSQL holds items) or cannot be opened, the engine refuses to start and
 * names that command, unless {@code rebuildOnCorruption} is set: then it moves the store aside and rebuilds it.
 */
public record GraphStoreOptions(String backend, String directory, Map<String, String> properties,
                                boolean rebuildOnCorruption) {
  static GraphStoreOptions defaults() {
    return new GraphStoreOptions("berkeleyje", null, Map.of(), false);
  }

  void validate() {
    Require.oneOf("graph.backend", backend, "berkeleyje", "inmemory", "cql");
  }
}
