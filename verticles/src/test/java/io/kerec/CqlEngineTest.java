package io.kerec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.config.ConfigLoader;
import io.kerec.config.KerecConfig;
import io.kerec.store.LocalCassandra;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole engine with {@code graph.backend: cql} on a real Cassandra (started by the launcher of
 * {@code kerec cassandra}), given the input of {@link GraphRebuildTest} (items, bills, the evidence judge, external
 * verdicts, feedback): its graph holds the same edges, and it answers the same complements and recommendations, as
 * an engine on BerkeleyDB JE given the same input; {@code kerec graph rebuild} then rebuilds the graph from
 * PostgreSQL alone into an empty keyspace, and an engine on that keyspace answers the same again. Tagged
 * {@code e2e}; a Cassandra that cannot start fails it.
 */
@Tag("e2e")
class CqlEngineTest {
  @TempDir
  Path dir;

  @Test
  void anEngineOnCassandraAnswersAsOnBerkeleyJeAndKerecGraphRebuildWorksThere() throws Exception {
    long t = System.nanoTime();
    KerecConfig je = ConfigLoader.load(null, Map.of(), TestEngines.overrides(dir.resolve("je")));
    GraphRebuildTest.Snapshot onJe = GraphRebuildTest.run(je, GraphRebuildTest::loadAndSnapshot);
    List<String> jeEdges = GraphRebuildTest.edges(je);
    System.out.printf("CqlEngineTest: berkeleyje engine loaded and read in %d ms, %d edges%n",
        (System.nanoTime() - t) / 1_000_000, jeEdges.size());
    assertThat(jeEdges).hasSizeGreaterThanOrEqualTo(4);

    int port;
    int storagePort;
    try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
      port = a.getLocalPort();
      storagePort = b.getLocalPort();
    }
    {
      t = System.nanoTime();
      try (LocalCassandra cassandra = LocalCassandra.start(new LocalCassandra.Options(Path.of(".."),
          dir.resolve("cassandra"), port, storagePort, 512, false, Duration.ofMinutes(3)))) {
        System.out.printf("CqlEngineTest: Cassandra ready in %d ms%n", (System.nanoTime() - t) / 1_000_000);
        ObjectNode tree = cql(dir.resolve("cql"), port, "live");
        Path conf = write(tree, "live.json");
        KerecConfig live = ConfigLoader.load(conf, Map.of(), null);
        t = System.nanoTime();
        GraphRebuildTest.Snapshot onCql = GraphRebuildTest.run(live, GraphRebuildTest::loadAndSnapshot);
        System.out.printf("CqlEngineTest: cql engine loaded and read in %d ms%n", (System.nanoTime() - t) / 1_000_000);
        assertThat(GraphRebuildTest.edges(live)).as("edges on Cassandra").isEqualTo(jeEdges);
        assertThat(onCql.complements()).as("complements").isEqualTo(onJe.complements());
        assertThat(onCql.recommendations()).as("recommendations").isEqualTo(onJe.recommendations());

        Path rebuiltConf = write(cql(dir.resolve("cql"), port, "rebuilt"), "rebuilt.json");
        KerecConfig rebuilt = ConfigLoader.load(rebuiltConf, Map.of(), null);
        t = System.nanoTime();
        System.out.println("CqlEngineTest: " + GraphRebuildTest.rebuild(rebuiltConf, rebuilt.dataPath()) + " in "
            + (System.nanoTime() - t) / 1_000_000 + " ms");
        assertThat(GraphRebuildTest.edges(rebuilt)).as("rebuilt edges").isEqualTo(jeEdges);
        assertThat(GraphRebuildTest.run(rebuilt, GraphRebuildTest::snapshot)).isEqualTo(onJe);
      }
    }
  }

  private static ObjectNode cql(Path data, int port, String keyspace) {
    ObjectNode tree = TestEngines.overrides(data);
    tree.putObject("graph").put("backend", "cql").putObject("properties").put("storage.hostname", "127.0.0.1")
        .put("storage.port", String.valueOf(port)).put("storage.cql.keyspace", keyspace);
    return tree;
  }

  private Path write(ObjectNode tree, String name) throws Exception {
    Path conf = dir.resolve(name);
    Files.writeString(conf, new ObjectMapper().writeValueAsString(tree));
    return conf;
  }
}
