package io.kerec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kerec.config.ConfigLoader;
import io.kerec.config.KerecConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The distributed deployment holds together: {@code conf/cluster.json} is a valid configuration whose cluster
 * members are the compose file's engine replicas, and every secret it reads from the environment is passed to them.
 * The compose file is read with SnakeYAML, which resolves its {@code <<} merge keys as Compose does. (CI also
 * validates the compose file itself with docker-compose.)
 */
class DeploymentFilesTest {
  private static final Path ROOT = Path.of("..");

  @Test
  void composeRunsTwoClusteredReplicasOfTheClusterConfig() throws Exception {
    Object parsed = new org.yaml.snakeyaml.Yaml().load(Files.readString(ROOT.resolve("docker/compose.yaml")));
    JsonNode compose = new ObjectMapper().valueToTree(parsed);
    KerecConfig cluster = ConfigLoader.load(ROOT.resolve("conf/cluster.json"), Map.of(), null);
    assertThat(compose.path("services").fieldNames()).toIterable()
        .contains("postgres", "cassandra", "elasticsearch", "kafka", "kerec-1", "kerec-2");
    List<String> hosts = new ArrayList<>();
    for (String replica : List.of("kerec-1", "kerec-2")) {
      JsonNode engine = compose.path("services").path(replica);
      assertThat(engine.path("command").toString()).contains("/etc/kerec/cluster.json");
      assertThat(engine.path("hostname").asText()).isEqualTo(replica);
      JsonNode env = engine.path("environment");
      assertThat(env.path("KEREC_CLUSTER_HOST").asText()).isEqualTo(replica);
      List<String> secrets = new ArrayList<>();
      secrets.add(cluster.postgres().passwordEnv());
      cluster.auth().apiKeys().forEach(k -> secrets.add(k.keyEnv()));
      secrets.add(cluster.cluster().secretEnv());
      secrets.add(cluster.cluster().tls().keyStorePasswordEnv());
      secrets.add(cluster.cluster().tls().trustStorePasswordEnv());
      for (String secret : secrets) {
        assertThat(env.has(secret)).as("%s passes %s", replica, secret).isTrue();
      }
      hosts.add(replica + ":" + cluster.cluster().port());
    }
    assertThat(cluster.cluster().enabled()).isTrue();
    assertThat(cluster.cluster().secured()).as("the replicas' bus is authenticated").isTrue();
    assertThat(cluster.cluster().tls().enabled()).isTrue();
    for (String replica : List.of("kerec-1", "kerec-2")) {
      assertThat(compose.path("services").path(replica).path("volumes").toString())
          .as("%s mounts the TLS stores", replica).contains("/etc/kerec/tls");
    }
    assertThat(cluster.cluster().members()).containsExactlyInAnyOrderElementsOf(hosts);
    assertThat(cluster.kafka().enabled()).isTrue();
    assertThat(cluster.kafka().bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(cluster.graph().properties()).containsEntry("storage.hostname", "cassandra");
  }

  @Test
  void theLocalClusterRunsOnLoopbackWithTheStandalonePartsAndOnePasswordVariable() throws Exception {
    KerecConfig local = ConfigLoader.load(ROOT.resolve("conf/local-cluster.json"), Map.of(), null);
    assertThat(local.postgres().embedded()).isFalse();
    assertThat(local.postgres().host()).isEqualTo("127.0.0.1");
    assertThat(local.postgres().port()).as("kerec postgres's default port").isEqualTo(5433);
    assertThat(local.postgres().user()).isEqualTo("kerec");
    assertThat(local.postgres().database()).isEqualTo("kerec");
    assertThat(local.postgres().passwordEnv()).as("the variable kerec postgres reads")
        .isEqualTo("KEREC_PG_PASSWORD");
    assertThat(local.graph().backend()).isEqualTo("cql");
    assertThat(local.graph().properties()).containsEntry("storage.hostname", "127.0.0.1")
        .containsEntry("storage.port", "9042");
    assertThat(local.cluster().enabled()).isTrue();
    assertThat(local.cluster().host()).isEqualTo("127.0.0.1");
    assertThat(local.cluster().members()).allSatisfy(m -> assertThat(m).startsWith("127.0.0.1:"))
        .contains("127.0.0.1:" + local.cluster().port());
    assertThat(local.http().host()).isEqualTo("127.0.0.1");
  }
}
