package io.kerec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kerec.config.ConfigException;
import io.kerec.config.KerecConfig;
import io.kerec.graph.EdgeFeedbackLedger;
import io.kerec.graph.GraphOptions;
import io.kerec.graph.GraphStore;
import io.kerec.graph.GraphStoreFiles;
import io.kerec.graph.GraphSync;
import io.kerec.graph.impl.JanusGraphStore;
import io.kerec.store.PostgresServer;
import io.kerec.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kerec graph}: the knowledge graph's store. */
@Command(name = "graph", mixinStandardHelpOptions = true, description = "The knowledge graph's store (JanusGraph).",
    subcommands = {GraphCommand.Rebuild.class})
public final class GraphCommand {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** {@code kerec graph rebuild}. */
  @Command(name = "rebuild", mixinStandardHelpOptions = true,
      description = "Rebuilds the graph store from PostgreSQL alone: the items with their entities, for every judged"
          + " pair the edge its deciding verdict calls for (an external judge's, else the configured provider's, else"
          + " the newest of any other provider, model or prompt version), with the feedback counted from the stored"
          + " events. The engine must be stopped. The old berkeleyje store is moved aside to graph.broken-<time>,"
          + " not deleted; a cql (Cassandra) graph, which other engines may share, is brought in line with"
          + " PostgreSQL in place. Prints a JSON summary.")
  static final class Rebuild implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EngineConfigOptions engine;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      KerecConfig config;
      try {
        config = engine.load();
      } catch (ConfigException e) {
        err.println("kerec graph rebuild: bad configuration: " + e.getMessage());
        return 2;
      }
      GraphOptions options = GraphOptions.of(config);
      if (GraphOptions.INMEMORY.equals(options.backend())) {
        err.println("kerec graph rebuild: the inmemory backend keeps nothing to rebuild");
        return 2;
      }
      boolean embedded = GraphOptions.BERKELEYJE.equals(options.backend());
      long started = System.nanoTime();
      Vertx vertx = Vertx.vertx();
      try (PostgresServer pg = PostgresServer.start(config.postgres(), config.dataPath())) {
        Path dir = embedded ? Path.of(options.directory()).toAbsolutePath().normalize() : null;
        Path aside = null;
        if (embedded && Files.exists(dir)) {
          aside = GraphStoreFiles.moveAside(dir);
          err.println("kerec graph rebuild: the old store is kept in " + aside);
        }
        Store store = Store.create(vertx, pg.connectOptions(), 2);
        WorkerExecutor worker = vertx.createSharedWorkerExecutor("kerec-graph-rebuild", 1);
        try (GraphStore graph = JanusGraphStore.open(options)) {
          GraphSync.Result r = GraphSync.run(store, graph, worker, config.judge().provider(),
                  new EdgeFeedbackLedger(config.feedback()))
              .toCompletionStage().toCompletableFuture().get(2, TimeUnit.HOURS);
          Map<String, Object> summary = new LinkedHashMap<>();
          summary.put("graph", embedded ? dir.toString() : options.backend() + " "
              + options.properties().getOrDefault("storage.hostname", "127.0.0.1") + " keyspace "
              + options.properties().getOrDefault("storage.cql.keyspace", "kerec"));
          summary.put("movedAside", aside == null ? null : aside.toString());
          summary.put("items", r.itemsWritten());
          summary.put("edges", r.edgesWritten());
          summary.put("edgesWithFeedback", r.flushed().size());
          summary.put("seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
          spec.commandLine().getOut().println(JSON.writeValueAsString(summary));
          spec.commandLine().getOut().flush();
          return 0;
        } finally {
          worker.close();
          store.close();
        }
      } catch (RuntimeException e) {
        err.println("kerec graph rebuild: " + e.getMessage());
        return 1;
      } finally {
        vertx.close();
      }
    }
  }
}
