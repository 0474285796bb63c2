package io.kerec.cli;

import io.kerec.store.LocalCassandra;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kerec cassandra}: a single-node Cassandra on loopback for a local cluster, until Ctrl-C or SIGTERM. */
@Command(name = "cassandra", mixinStandardHelpOptions = true,
    description = "Run a single-node Cassandra (cassandra-all 4.1) on loopback for a local cluster, in a child JVM"
        + " whose class path Maven resolves from cassandra/pom.xml on first use. Stops it on Ctrl-C or SIGTERM; a"
        + " launcher killed with SIGKILL leaves the child running (its pid is printed; the next start on the same"
        + " directory stops it).")
final class CassandraCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, description = "Directory for the node's data, commit log and log.")
  Path data;

  @Option(names = "--port", defaultValue = "9042", description = "CQL port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--storage-port", defaultValue = "7000",
      description = "Inter-node port, loopback only (default ${DEFAULT-VALUE}).")
  int storagePort;

  @Option(names = "--heap-mb", defaultValue = "768", description = "The node's maximum heap (default ${DEFAULT-VALUE}).")
  int heapMb;

  @Option(names = "--offline", description = "Resolve the class path from the local Maven repository only.")
  boolean offline;

  @Override
  public Integer call() throws Exception {
    Path home = Path.of(System.getProperty("kerec.home", "."));
    LocalCassandra node;
    try {
      node = LocalCassandra.start(new LocalCassandra.Options(home, data, port, storagePort, heapMb, offline,
          Duration.ofMinutes(3)));
    } catch (IllegalArgumentException e) {
      System.err.println("kerec cassandra: " + e.getMessage());
      return 2;
    } catch (RuntimeException | java.io.IOException e) {
      System.err.println("kerec cassandra: " + e.getMessage());
      return 1;
    }
    java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping.set(true);
      System.err.println("kerec cassandra: stopping the node (pid " + node.pid() + ")");
      node.close();
    }, "kerec-cassandra-stop"));
    System.out.println("kerec cassandra: ready on 127.0.0.1:" + port + " after " + node.readyMs() + " ms (child pid "
        + node.pid() + ", data and log in " + node.dataDir() + "); Ctrl-C stops it");
    System.out.flush();
    int code = node.waitFor();
    if (stopping.get()) {
      return 0;
    }
    System.err.println("kerec cassandra: the node exited with " + code + " (log: "
        + node.dataDir().resolve("cassandra.log") + ")");
    return 1;
  }
}
