package io.kerec.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The local Cassandra's launcher without starting Cassandra (that is {@code CqlGraphStoreTest}'s): the child's
 * command line, its {@code cassandra.yaml}, the options it refuses, and the readiness probe, which wants a CQL
 * answer, not merely an open port.
 */
class LocalCassandraTest {
  @Test
  void theChildRunsTheDaemonWithJammAsAgentAndTheJava17Opens() {
    List<String> cp = List.of("/r/cassandra-all-4.1.8.jar", "/r/jamm-0.3.2.jar", "/r/guava-27.0-jre.jar");
    List<String> c = LocalCassandra.command(cp, Path.of("/d"), Path.of("/d/cassandra.yaml"), 512);
    assertThat(c).contains("-Xmx512m", "-javaagent:/r/jamm-0.3.2.jar", "-Dcassandra.storagedir=/d",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED");
    assertThat(c.get(c.size() - 1)).isEqualTo("org.apache.cassandra.service.CassandraDaemon");
    assertThat(c.get(c.size() - 2)).isEqualTo(String.join(":", cp));
    assertThatThrownBy(() -> LocalCassandra.command(List.of("/r/cassandra-all-4.1.8.jar"), Path.of("/d"),
        Path.of("/d/c.yaml"), 512)).hasMessageContaining("jamm");
  }

  @Test
  void theNodeListensOnLoopbackOnlyAndKeepsItsFilesUnderItsDirectory() {
    String yaml = CassandraYaml.render(Path.of("/data/c"), 9142, 7100);
    assertThat(yaml).contains("listen_address: 127.0.0.1", "rpc_address: 127.0.0.1", "native_transport_port: 9142",
        "storage_port: 7100", "seeds: \"127.0.0.1:7100\"", "data_file_directories: [/data/c/data]",
        "commitlog_directory: /data/c/commitlog");
    assertThat(yaml).doesNotContain("0.0.0.0");
  }

  @Test
  void optionsOutOfRangeAreRefused() {
    Path home = Path.of("..");
    assertThatThrownBy(() -> new LocalCassandra.Options(home, Path.of("d"), 9042, 9042, 768, false, null))
        .hasMessageContaining("must differ");
    assertThatThrownBy(() -> new LocalCassandra.Options(home, Path.of("d"), 0, 7000, 768, false, null))
        .hasMessageContaining("1..65535");
    assertThatThrownBy(() -> new LocalCassandra.Options(home, Path.of("d"), 9042, 7000, 128, false, null))
        .hasMessageContaining("heap");
  }

  @Test
  void anOpenPortThatIsNotCassandraIsNotReady() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      int port = server.getLocalPort();
      CompletableFuture<Void> silent = CompletableFuture.runAsync(() -> {
        try (Socket s = server.accept()) {
          s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes());
          s.getInputStream().readNBytes(9);
        } catch (Exception ignored) {
          // the probe hung up
        }
      });
      assertThat(LocalCassandra.answersCql(port)).isFalse();
      silent.join();
    }
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertThat(LocalCassandra.answersCql(closed)).isFalse();
  }
}
