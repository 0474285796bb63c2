package io.kerec.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.config.ConfigException;
import io.kerec.config.ConfigLoader;
import io.kerec.config.KerecConfig;
import io.kerec.engine.Engine;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kerec serve}: starts the engine and runs until Ctrl-C or SIGTERM, then shuts down cleanly. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Start the engine (embedded PostgreSQL and JanusGraph by default).")
public final class ServeCommand implements Callable<Integer> {
  /** Exit code meaning "the engine is running; do not exit the JVM". */
  static final int KEEP_RUNNING = -1;

  @Option(names = "--conf", description = "Config file (JSON). Default: the bundled conf/embedded.json.")
  Path conf;

  @Option(names = "--port", description = "HTTP port (overrides the config file).")
  Integer port;

  @Option(names = "--host", description = "HTTP listen address (overrides the config file).")
  String host;

  @Option(names = "--data", description = "Data directory (overrides the config file).")
  Path data;

  @Option(names = "--cluster-port", description = "Hazelcast port of the clustered event bus (overrides"
      + " cluster.port), for several engines on one machine.")
  Integer clusterPort;

  @Option(names = "--insecure", description = "Serve without API keys on a non-loopback address (anyone who can"
      + " reach it may read and write).")
  boolean insecure;

  @Override
  public Integer call() {
    KerecConfig config;
    try {
      config = ConfigLoader.load(conf, System.getenv(), overrides());
    } catch (ConfigException e) {
      System.err.println("kerec: bad configuration: " + e.getMessage());
      return 2;
    }
    Vertx vertx;
    try {
      vertx = Engine.newVertx(config.cluster()).toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      System.err.println("kerec: cannot join the cluster: " + rootMessage(e));
      return 1;
    }
    Engine engine;
    try {
      engine = Engine.start(vertx, config).toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    } catch (Exception e) {
      System.err.println("kerec: engine failed to start: " + rootMessage(e));
      vertx.close();
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        engine.stop().compose(v -> vertx.close()).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("kerec: unclean shutdown: " + rootMessage(e));
      }
    }, "kerec-shutdown"));
    System.out.println("kerec: serving on " + (config.tls().enabled() ? "https" : "http") + "://"
        + config.http().host() + ":" + engine.httpPort() + " (data in " + config.dataPath().toAbsolutePath().normalize() + ")");
    return KEEP_RUNNING;
  }

  private ObjectNode overrides() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    if (data != null) {
      node.put("dataDir", data.toString());
    }
    if (port != null) {
      node.putObject("http").put("port", port);
    }
    if (host != null) {
      node.with("http").put("host", host);
    }
    if (clusterPort != null) {
      node.putObject("cluster").put("port", clusterPort);
    }
    if (insecure) {
      node.putObject("auth").put("insecure", true);
    }
    return node;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
