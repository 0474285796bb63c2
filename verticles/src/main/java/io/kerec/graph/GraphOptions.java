package io.kerec.graph;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How to open the graph store.
 *
 * @param backend    {@value #BERKELEYJE} (default: embedded, on disk), {@value #INMEMORY} (tests, lost on close) or
 *                   {@value #CQL} (Cassandra/ScyllaDB; needs {@code org.janusgraph:janusgraph-cql} on the class path
 *                   and {@code storage.hostname} in {@code properties})
 * @param directory  data directory for {@code berkeleyje} (default {@value #DEFAULT_DIRECTORY}); ignored otherwise
 * @param properties JanusGraph configuration keys ({@code storage.*}, {@code cache.*}, {@code ids.*} ...) that
 *                   override the store's defaults, plus the store's own {@code kerec.*} keys such as
 *                   {@link #ENTITY_CACHE_SIZE}
 */
public record GraphOptions(String backend, String directory, Map<String, String> properties) {
  public static final String BERKELEYJE = "berkeleyje";
  public static final String INMEMORY = "inmemory";
  public static final String CQL = "cql";
  public static final String DEFAULT_DIRECTORY = "data/graph";
  /** Store key: how many entity name -> vertex id mappings the store caches (default {@value #DEFAULT_ENTITY_CACHE_SIZE}). */
  public static final String ENTITY_CACHE_SIZE = "kerec.entity-cache-size";
  public static final int DEFAULT_ENTITY_CACHE_SIZE = 200_000;
  /** Prefix of keys that belong to the store and are not passed on to JanusGraph. */
  public static final String STORE_PREFIX = "kerec.";

  /** The graph store of an engine configuration: {@code graph.*}, under {@code <dataDir>/graph} by default. */
  public static GraphOptions of(io.kerec.config.KerecConfig config) {
    var g = config.graph();
    String dir = g.directory() != null ? g.directory() : config.dataPath().resolve("graph").toString();
    return new GraphOptions(g.backend(), dir, g.properties());
  }

  public GraphOptions {
    backend = backend == null || backend.isBlank() ? BERKELEYJE : backend.trim().toLowerCase(Locale.ROOT);
    if (!backend.equals(BERKELEYJE) && !backend.equals(INMEMORY) && !backend.equals(CQL)) {
      throw new IllegalArgumentException("unknown graph backend '" + backend + "' (berkeleyje, inmemory or cql)");
    }
    if (backend.equals(BERKELEYJE) && (directory == null || directory.isBlank())) {
      directory = DEFAULT_DIRECTORY;
    }
    properties = properties == null ? Map.of() : Map.copyOf(properties);
    String cacheSize = properties.get(ENTITY_CACHE_SIZE);
    if (cacheSize != null) {
      try {
        if (Integer.parseInt(cacheSize.trim()) < 0) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(ENTITY_CACHE_SIZE + " must be a non-negative integer: " + cacheSize);
      }
    }
  }

  /** Embedded BerkeleyDB JE in {@value #DEFAULT_DIRECTORY}. */
  public static GraphOptions defaults() {
    return berkeleyje(DEFAULT_DIRECTORY);
  }

  /** Embedded BerkeleyDB JE in {@code directory}. */
  public static GraphOptions berkeleyje(String directory) {
    return new GraphOptions(BERKELEYJE, directory, Map.of());
  }

  /** In-memory graph: nothing survives {@code close()}. */
  public static GraphOptions inMemory() {
    return new GraphOptions(INMEMORY, null, Map.of());
  }

  /** A copy with one more (or a replaced) property. */
  public GraphOptions with(String key, String value) {
    Map<String, String> copy = new HashMap<>(properties);
    copy.put(key, value);
    return new GraphOptions(backend, directory, copy);
  }

  /** The entity id cache size ({@link #ENTITY_CACHE_SIZE}); 0 disables the cache. */
  public int entityCacheSize() {
    String v = properties.get(ENTITY_CACHE_SIZE);
    return v == null ? DEFAULT_ENTITY_CACHE_SIZE : Integer.parseInt(v.trim());
  }
}
