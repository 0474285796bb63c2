package io.kerec;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;

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
}
