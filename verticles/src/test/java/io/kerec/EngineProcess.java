package io.kerec;

import io.kerec.cli.Kerec;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The engine as a separate JVM ({@code kerec serve --conf FILE}) on the test class path, for crash tests. */
final class EngineProcess {
  private EngineProcess() {
  }

  /** A port free on loopback right now. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Starts {@code kerec serve --conf conf} with its output in {@code log}; kill it with {@code destroyForcibly}. */
  static Process start(Path conf, Path log, String heap) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx" + heap, "-Dai.djl.offline=true",
        "-cp", System.getProperty("java.class.path"), Kerec.class.getName(), "serve", "--conf", conf.toString());
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return pb.start();
  }

  /**
   * SIGKILLs the embedded PostgreSQL of a data directory the way a crash takes it: the postmaster and every process
   * it started (backends, WAL writer, checkpointer) at once, so that nothing left in its shared memory reaches the
   * disk afterwards. Returns how many processes were killed.
   */
  static int killPostgres(Path dataDir) throws IOException {
    long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).get(0).strip());
    ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException(
        "PostgreSQL pid " + pid + " is not running"));
    List<ProcessHandle> all = new ArrayList<>();
    all.add(postmaster);
    all.addAll(postmaster.descendants().toList());
    all.forEach(ProcessHandle::destroyForcibly);
    all.forEach(h -> h.onExit().join());
    return all.size();
  }
}
