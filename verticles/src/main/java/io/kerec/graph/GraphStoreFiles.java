package io.kerec.graph;

import io.kerec.config.KerecConfig;
import io.kerec.graph.impl.JanusGraphStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening an engine's graph store, and the files of an embedded (berkeleyje) one: whether there is one, and moving a
 * broken one aside.
 */
public final class GraphStoreFiles {
  private static final Logger LOG = LoggerFactory.getLogger(GraphStoreFiles.class);

  private GraphStoreFiles() {
  }

  /**
   * Opens the graph store of an engine. A new instance on an external (shared) PostgreSQL, whose data directory has
   * no graph directory at all, builds its store from PostgreSQL. A berkeleyje store that is missing while PostgreSQL
   * holds items otherwise, or that
   * cannot be opened for a reason other than being in use, is moved aside and started afresh (the graph verticle's
   * sync then rebuilds it from PostgreSQL) when {@code graph.rebuildOnCorruption} is set; otherwise this fails with
   * what to run. Blocking.
   *
   * @param postgresHasItems whether PostgreSQL holds any item, so that an empty graph directory is a loss
   */
  public static GraphStore open(KerecConfig config, boolean postgresHasItems) throws IOException {
    GraphOptions options = GraphOptions.of(config);
    if (!GraphOptions.BERKELEYJE.equals(options.backend())) {
      return JanusGraphStore.open(options);
    }
    Path dir = Path.of(options.directory()).toAbsolutePath().normalize();
    String broken;
    GraphStoreException cause = null;
    if (postgresHasItems && !config.postgres().embedded() && !Files.exists(dir)) {
      // a data directory that never held a graph, on a PostgreSQL other engines share: a new instance joining
      LOG.info("no graph store in {} yet: building it from the shared PostgreSQL", dir);
      return JanusGraphStore.open(options);
    }
    if (postgresHasItems && !present(dir)) {
      broken = "is missing, while PostgreSQL holds items";
    } else {
      try {
        return JanusGraphStore.open(options);
      } catch (GraphSchemaException e) {
        throw e;
      } catch (GraphStoreException e) {
        if (inUse(e)) {
          throw e;
        }
        broken = "cannot be opened (" + e.getMessage() + ")";
        cause = e;
      }
    }
    if (!config.graph().rebuildOnCorruption()) {
      throw new GraphStoreException(rebuildAdvice(dir, config.dataPath().toAbsolutePath().normalize(), broken),
          cause);
    }
    if (Files.exists(dir)) {
      Path aside = moveAside(dir);
      LOG.warn("the graph store in {} {}: moved to {}, rebuilding it from PostgreSQL (graph.rebuildOnCorruption)",
          dir, broken, aside);
    } else {
      LOG.warn("the graph store in {} {}: rebuilding it from PostgreSQL (graph.rebuildOnCorruption)", dir, broken);
    }
    return JanusGraphStore.open(options);
  }

  /** Whether {@code dir} holds a BerkeleyDB JE environment (its {@code .jdb} log files). */
  public static boolean present(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(f -> f.getFileName().toString().endsWith(".jdb"));
    } catch (IOException e) {
      return false;
    }
  }

  /** Renames {@code dir} to {@code <dir>.broken-<timestamp>} and returns the new path (kept for inspection). */
  public static Path moveAside(Path dir) throws IOException {
    Path aside = dir.resolveSibling(dir.getFileName() + ".broken-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    return Files.move(dir, aside);
  }

  /**
   * Whether opening failed because the store is in use (another process or this one holds it), which no rebuild
   * may touch, rather than because its files are damaged.
   */
  public static boolean inUse(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String name = t.getClass().getName();
      String message = String.valueOf(t.getMessage());
      if (name.endsWith("EnvironmentLockedException") || message.contains("already open in this process")) {
        return true;
      }
    }
    return false;
  }

  /** The message for a graph store that is missing or broken: what to run. */
  public static String rebuildAdvice(Path dir, Path dataDir, String what) {
    return "the graph store in " + dir + " " + what + ". It is derived from PostgreSQL and can be rebuilt from it: "
        + "stop the engine and run `./kerec graph rebuild --data " + dataDir + "` (add --conf FILE if the engine "
        + "runs with one), or set graph.rebuildOnCorruption to have the engine rebuild it when it starts";
  }
}
