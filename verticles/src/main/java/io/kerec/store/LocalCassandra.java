package io.kerec.store;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Cassandra (cassandra-all) for a local cluster and tests, run in a child JVM: Cassandra's dependency
 * tree (Guava 27, Netty 4.1, Jackson 2.13, logback) clashes with the engine's, so it never joins the engine's class
 * path. Its class path comes from {@code cassandra/pom.xml} (not a module of the build), resolved with Maven once
 * into {@code cassandra/target/classpath.txt}. The node listens on loopback only, keeps its data, commit log and
 * log under the data directory, and is sized for a laptop (a small heap, few threads).
 *
 * <p>{@link #close} stops the child (SIGTERM, then SIGKILL after 60 s). A launcher killed without a chance to stop
 * (SIGKILL) leaves the child running; the next start on the same directory stops it first.
 */
public final class LocalCassandra implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalCassandra.class);
  static final String PID_FILE = "cassandra.pid";
  private static final String MAIN = "org.apache.cassandra.service.CassandraDaemon";

  /**
   * How to run it.
   *
   * @param home        the Kerec checkout (holding {@code cassandra/pom.xml})
   * @param dataDir     where the node keeps its files
   * @param nativePort  the CQL port
   * @param storagePort the inter-node port (loopback only; a single node still binds it)
   * @param heapMb      the child's maximum heap
   * @param offline     resolve the class path with {@code mvn -o} only (no repository access)
   * @param startup     how long to wait for CQL
   */
  public record Options(Path home, Path dataDir, int nativePort, int storagePort, int heapMb, boolean offline,
                        java.time.Duration startup) {
    public Options {
      if (nativePort < 1 || nativePort > 65535 || storagePort < 1 || storagePort > 65535) {
        throw new IllegalArgumentException("ports must be 1..65535");
      }
      if (nativePort == storagePort) {
        throw new IllegalArgumentException("the CQL and storage ports must differ: " + nativePort);
      }
      if (heapMb < 256) {
        throw new IllegalArgumentException("Cassandra needs a heap of at least 256 MB: " + heapMb);
      }
    }

    /** Defaults: storage port 7000, 768 MB of heap, Maven may go online, 3 minutes to start. */
    public static Options of(Path home, Path dataDir, int nativePort) {
      return new Options(home, dataDir, nativePort, 7000, 768, false, java.time.Duration.ofMinutes(3));
    }
  }

  private final Process process;
  private final Path dataDir;
  private final DataDirLock lock;
  private final int nativePort;
  private final long readyMs;

  private LocalCassandra(Process process, Path dataDir, DataDirLock lock, int nativePort, long readyMs) {
    this.process = process;
    this.dataDir = dataDir;
    this.lock = lock;
    this.nativePort = nativePort;
    this.readyMs = readyMs;
  }

  /** Starts the node and returns once it answers CQL on {@code nativePort}. Blocking. */
  public static LocalCassandra start(Options options) throws IOException {
    Path dir = options.dataDir().toAbsolutePath().normalize();
    Files.createDirectories(dir);
    DataDirLock lock = DataDirLock.acquire(dir);
    Process process = null;
    try {
      stopOrphan(dir);
      if (answersCql(options.nativePort())) {
        throw new StoreException("port " + options.nativePort() + " already answers CQL: another Cassandra runs there",
            null);
      }
      List<String> classPath = CassandraClassPath.resolve(options.home(), options.offline());
      Path yaml = dir.resolve("cassandra.yaml");
      Files.writeString(yaml, CassandraYaml.render(dir, options.nativePort(), options.storagePort()),
          StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("logback.xml"), CassandraYaml.logback(), StandardCharsets.UTF_8);
      List<String> command = command(classPath, dir, yaml, options.heapMb());
      Path log = dir.resolve("cassandra.log");
      long started = System.nanoTime();
      process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      Files.writeString(dir.resolve(PID_FILE), process.pid() + "\n", StandardCharsets.US_ASCII);
      long deadline = started + options.startup().toNanos();
      while (!answersCql(options.nativePort())) {
        if (!process.isAlive()) {
          throw new StoreException("Cassandra exited with " + process.exitValue() + " before answering CQL; its log "
              + log + " ends with:\n" + tail(log, 30), null);
        }
        if (System.nanoTime() > deadline) {
          throw new StoreException("Cassandra did not answer CQL on port " + options.nativePort() + " within "
              + options.startup().toSeconds() + " s; its log " + log + " ends with:\n" + tail(log, 30), null);
        }
        sleep(250);
      }
      long readyMs = (System.nanoTime() - started) / 1_000_000;
      LOG.info("Cassandra (pid {}) answers CQL on 127.0.0.1:{} after {} ms", process.pid(), options.nativePort(),
          readyMs);
      return new LocalCassandra(process, dir, lock, options.nativePort(), readyMs);
    } catch (IOException | RuntimeException e) {
      if (process != null) {
        stop(process);
      }
      lock.close();
      throw e;
    }
  }

  /** The child JVM's command line: the flags Cassandra 4.1 needs on Java 17, then the daemon. */
  static List<String> command(List<String> classPath, Path dir, Path yaml, int heapMb) {
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    String jamm = classPath.stream().filter(p -> p.contains("jamm-")).findFirst()
        .orElseThrow(() -> new StoreException("the Cassandra class path has no jamm jar", null));
    List<String> c = new ArrayList<>();
    c.add(javaBin);
    c.addAll(List.of("-Xms" + Math.min(256, heapMb) + "m", "-Xmx" + heapMb + "m", "-Xss512k", "-XX:+UseG1GC",
        "-XX:+ExitOnOutOfMemoryError", "-XX:MaxDirectMemorySize=512m"));
    // jamm measures objects through the instrumentation agent: without it, it falls back to Unsafe, which cannot
    // measure the lambdas (hidden classes) Cassandra's prepared statements hold on Java 17.
    c.add("-javaagent:" + jamm);
    c.addAll(List.of("-Djdk.attach.allowAttachSelf=true", "-Dcassandra-foreground=yes",
        "-Dcassandra.config=" + yaml.toUri(), "-Dcassandra.storagedir=" + dir,
        "-Dlogback.configurationFile=" + dir.resolve("logback.xml"),
        "-Dcassandra.logdir=" + dir.resolve("logs"),
        // a single node: no gossip to wait for, no ring to settle
        "-Dcassandra.skip_wait_for_gossip_to_settle=0", "-Dcassandra.ring_delay_ms=0",
        "-Dcassandra.superuser_setup_delay_ms=0", "-Dcassandra.migration_task_wait_in_seconds=1"));
    for (String p : List.of("java.base/jdk.internal.misc", "java.base/jdk.internal.ref", "java.base/sun.nio.ch",
        "java.management.rmi/com.sun.jmx.remote.internal.rmi", "java.rmi/sun.rmi.registry",
        "java.rmi/sun.rmi.server", "java.sql/java.sql", "java.base/java.lang.ref", "jdk.unsupported/sun.misc")) {
      c.add("--add-exports=" + p + "=ALL-UNNAMED");
    }
    for (String p : List.of("java.base/java.lang.module", "java.base/jdk.internal.loader",
        "java.base/jdk.internal.ref", "java.base/jdk.internal.reflect", "java.base/jdk.internal.math",
        "java.base/jdk.internal.module", "java.base/jdk.internal.util.jar",
        "jdk.management/com.sun.management.internal", "java.base/sun.nio.ch", "java.base/java.io",
        "java.base/java.nio", "java.base/java.util.concurrent", "java.base/java.util",
        "java.base/java.util.concurrent.atomic", "java.base/java.lang", "java.base/java.math",
        "java.base/java.lang.reflect", "java.base/java.net")) {
      c.add("--add-opens=" + p + "=ALL-UNNAMED");
    }
    c.add("-cp");
    c.add(String.join(java.io.File.pathSeparator, classPath));
    c.add(MAIN);
    return c;
  }

  /**
   * Whether something on loopback {@code port} answers a CQL OPTIONS request (native protocol v4) with SUPPORTED:
   * the node takes queries, not merely connections.
   */
  public static boolean answersCql(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      s.setSoTimeout(2_000);
      OutputStream out = s.getOutputStream();
      out.write(new byte[] {0x04, 0, 0, 0, 0x05, 0, 0, 0, 0}); // v4 request, stream 0, OPTIONS, no body
      out.flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      byte[] header = new byte[9];
      in.readFully(header);
      return (header[0] & 0xff) == 0x84 && header[4] == 0x06; // v4 response, SUPPORTED
    } catch (IOException e) {
      return false;
    }
  }

  /** A node left running by a launcher that was killed (its pid in the data directory): stop it. */
  private static void stopOrphan(Path dir) throws IOException {
    Path pidFile = dir.resolve(PID_FILE);
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).strip());
    } catch (NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> orphan = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .filter(h -> commandLine(h).map(a -> a.contains(MAIN) && a.contains("-Dcassandra.storagedir=" + dir + " "))
            .orElse(false));
    if (orphan.isPresent()) {
      LOG.warn("Cassandra (pid {}) still runs on {} after its launcher was killed; stopping it", pid, dir);
      stop(orphan.get());
    }
    Files.deleteIfExists(pidFile);
  }

  /**
   * A process's whole command line: from {@code /proc} on Linux, as {@link ProcessHandle.Info} cuts it at 4,096
   * characters (the node's class path alone is longer).
   */
  private static Optional<String> commandLine(ProcessHandle h) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", String.valueOf(h.pid()), "cmdline"));
      return Optional.of(new String(raw, StandardCharsets.UTF_8).replace('\0', ' '));
    } catch (IOException | RuntimeException e) {
      return h.info().commandLine();
    }
  }

  private static void stop(Process p) {
    stop(p.toHandle());
  }

  private static void stop(ProcessHandle h) {
    h.destroy();
    try {
      h.onExit().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      LOG.warn("Cassandra (pid {}) did not stop within 60 s of SIGTERM: killing it", h.pid());
      h.destroyForcibly();
      h.onExit().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      h.destroyForcibly();
    } catch (java.util.concurrent.ExecutionException e) {
      h.destroyForcibly();
    }
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for Cassandra", e);
    }
  }

  /** The child JVM's process id. */
  public long pid() {
    return process.pid();
  }

  public int nativePort() {
    return nativePort;
  }

  /** Milliseconds from launching the child to its first CQL answer. */
  public long readyMs() {
    return readyMs;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Blocks until the child exits; its exit status. */
  public int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  /** Stops the node (SIGTERM, then SIGKILL after 60 s) and releases the data directory. Idempotent. */
  @Override
  public void close() {
    if (process.isAlive()) {
      stop(process);
    }
    try {
      Files.deleteIfExists(dataDir.resolve(PID_FILE));
    } catch (IOException ignored) {
      // the next start checks the pid before using it
    }
    lock.close();
  }
}
