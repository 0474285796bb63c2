package io.kerec.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir
  Path dir;

  @Test
  void bundledDefaultIsTheEmbeddedSetup() {
    KerecConfig config = ConfigLoader.load(null, Map.of(), null);
    assertThat(config.postgres().embedded()).isTrue();
    assertThat(config.graph().backend()).isEqualTo("berkeleyje");
    assertThat(config.judge().provider()).isEqualTo("evidence");
    assertThat(config.http().port()).isEqualTo(8080);
  }

  @Test
  void fileThenEnvironmentThenFlagsOverride() throws Exception {
    Path file = dir.resolve("k.json");
    Files.writeString(file, "{\"http\":{\"port\":9000,\"host\":\"0.0.0.0\"},\"auth\":{\"insecure\":true},"
        + "\"recall\":{\"historyItems\":5}}");
    ObjectNode flags = JsonNodeFactory.instance.objectNode();
    flags.putObject("http").put("port", 9002);
    KerecConfig config = ConfigLoader.load(file, Map.of("KEREC_HTTP_PORT", "9001", "KEREC_DATA_DIR", "/tmp/x"), flags);
    assertThat(config.http().port()).isEqualTo(9002);
    assertThat(config.http().host()).isEqualTo("0.0.0.0");
    assertThat(config.recall().historyItems()).isEqualTo(5);
    assertThat(config.recall().maxCandidates()).as("not in the file: the default")
        .isEqualTo(RecallOptions.defaults().maxCandidates());
    assertThat(config.dataDir()).isEqualTo("/tmp/x");
  }

  @Test
  void unknownKeysAndBadValuesNameTheKey() throws Exception {
    Path typo = dir.resolve("typo.json");
    Files.writeString(typo, "{\"http\":{\"prot\":9000}}");
    assertThatThrownBy(() -> ConfigLoader.load(typo, Map.of(), null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.prot");
    Path range = dir.resolve("range.json");
    Files.writeString(range, "{\"http\":{\"port\":70000}}");
    assertThatThrownBy(() -> ConfigLoader.load(range, Map.of(), null))
        .isInstanceOf(ConfigException.class).extracting(e -> ((ConfigException) e).key()).isEqualTo("http.port");
    Path provider = dir.resolve("provider.json");
    Files.writeString(provider, "{\"judge\":{\"provider\":\"oracle\"}}");
    assertThatThrownBy(() -> ConfigLoader.load(provider, Map.of(), null)).hasMessageContaining("judge.provider");
  }

  @Test
  void experimentsAreCheckedArmByArm() throws Exception {
    Path ok = dir.resolve("ab.json");
    Files.writeString(ok, "{\"experiments\":[{\"name\":\"ab\",\"salt\":\"s\",\"arms\":["
        + "{\"name\":\"a\",\"weight\":1},{\"name\":\"b\",\"weight\":3,\"overrides\":{\"rank\":\"base\"}}]}]}");
    KerecConfig config = ConfigLoader.load(ok, Map.of(), null);
    assertThat(config.experiments().get(0).arms().get(1).overrides().rank()).isEqualTo("base");
    assertThat(config.experiments().get(0).arms().get(1).overrides().newArrivalSlots()).isNull();
    assertThat(config.rank().newArrivalSlots()).as("the default").isEqualTo(1);
    assertThat(ConfigLoader.load(null, Map.of(), null).experiments()).isEmpty();
    String[][] bad = {
        {"[{\"name\":\"ab\",\"salt\":\"s\",\"arms\":[{\"name\":\"a\",\"weight\":1}]}]", "experiments[0].arms"},
        {"[{\"name\":\"ab\",\"salt\":\"s\",\"arms\":[{\"name\":\"a\",\"weight\":1},{\"name\":\"a\",\"weight\":1}]}]",
            "experiments[0].arms[1].name"},
        {"[{\"name\":\"ab\",\"salt\":\"s\",\"arms\":[{\"name\":\"a\",\"weight\":-1},{\"name\":\"b\",\"weight\":1}]}]",
            "experiments[0].arms[0].weight"},
        {"[{\"name\":\"ab\",\"salt\":\"s\",\"arms\":[{\"name\":\"a\",\"weight\":0},{\"name\":\"b\",\"weight\":0}]}]",
            "experiments[0].arms"},
        {"[{\"name\":\"ab\",\"arms\":[{\"name\":\"a\",\"weight\":1},{\"name\":\"b\",\"weight\":1}]}]", "experiments[0].salt"},
        {"[{\"name\":\"ab\",\"salt\":\"s\",\"arms\":[{\"name\":\"a\",\"weight\":1},{\"name\":\"b\",\"weight\":1,"
            + "\"overrides\":{\"rank\":\"magic\"}}]}]", "experiments[0].arms[1].overrides.rank"},
        {"[{\"name\":\"ab\",\"salt\":\"s\",\"arms\":[{\"name\":\"a\",\"weight\":1},{\"name\":\"b\",\"weight\":1,"
            + "\"overrides\":{\"newArrivalSlots\":-1}}]}]", "experiments[0].arms[1].overrides.newArrivalSlots"}};
    for (String[] c : bad) {
      Path file = dir.resolve("bad.json");
      Files.writeString(file, "{\"experiments\":" + c[0] + "}");
      assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), null)).as(c[0])
          .isInstanceOf(ConfigException.class).hasMessageContaining(c[1]);
    }
  }

  @Test
  void benchEndpointsAreOffByDefaultAndOnlyAllowedOnLoopback() {
    assertThat(ConfigLoader.load(null, Map.of(), null).http().benchEndpoints()).isFalse();
    ObjectNode on = JsonNodeFactory.instance.objectNode();
    on.putObject("http").put("benchEndpoints", true);
    assertThat(ConfigLoader.load(null, Map.of(), on).http().benchEndpoints()).isTrue();
    ObjectNode exposed = JsonNodeFactory.instance.objectNode();
    exposed.putObject("http").put("benchEndpoints", true).put("host", "0.0.0.0");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), exposed))
        .isInstanceOf(ConfigException.class).extracting(e -> ((ConfigException) e).key())
        .isEqualTo("http.benchEndpoints");
  }

  private static String keyOf(String json) {
    try {
      ObjectNode o = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
      ConfigLoader.load(null, Map.of(), o);
      return null;
    } catch (ConfigException e) {
      return e.key();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void securitySettingsHaveSafeDefaultsAndNameTheBadKey() {
    KerecConfig defaults = ConfigLoader.load(null, Map.of(), null);
    assertThat(defaults.http().allowedOrigins()).as("the engine's own origin only, no CORS").isEmpty();
    assertThat(defaults.http().maxLiveSockets()).isEqualTo(10_000);
    assertThat(defaults.auth().jwt().enabled()).isFalse();
    assertThat(defaults.auth().jwt().roleClaim()).isEqualTo("kerec_role");
    assertThat(defaults.cluster().secured()).isFalse();
    assertThat(keyOf("{\"http\":{\"allowedOrigins\":[\"https://shop.example/path\"]}}"))
        .isEqualTo("http.allowedOrigins[0]");
    assertThat(keyOf("{\"http\":{\"allowedHosts\":[\"evil.example:80\"]}}")).isEqualTo("http.allowedHosts[0]");
    assertThat(keyOf("{\"http\":{\"maxLiveSockets\":0}}")).isEqualTo("http.maxLiveSockets");
    assertThat(keyOf("{\"auth\":{\"jwt\":{\"issuer\":\"i\",\"audience\":\"a\",\"jwksUrl\":\"https://x\","
        + "\"hs256SecretEnv\":\"S\"}}}")).isEqualTo("auth.jwt");
    assertThat(keyOf("{\"auth\":{\"jwt\":{\"audience\":\"a\",\"hs256SecretEnv\":\"S\"}}}"))
        .isEqualTo("auth.jwt.issuer");
    assertThat(keyOf("{\"auth\":{\"jwt\":{\"issuer\":\"i\",\"audience\":\"a\",\"hs256SecretEnv\":\"S\"}}}"))
        .as("JWT alone is authentication enough").isNull();
    assertThat(keyOf("{\"cluster\":{\"enabled\":true,\"members\":[\"a:1\"],\"tls\":{\"enabled\":true}}}"))
        .isEqualTo("cluster.tls.keyStorePath");
  }

  @Test
  void clusterConfigIsValid() {
    Path cluster = Path.of("..", "conf", "cluster.json");
    KerecConfig config = ConfigLoader.load(cluster, Map.of(), null);
    assertThat(config.postgres().embedded()).isFalse();
    assertThat(config.graph().backend()).isEqualTo("cql");
    assertThat(config.judge().provider()).isEqualTo("openai");
    assertThat(config.auth().enabled()).as("it listens on every interface").isTrue();
    assertThat(config.auth().apiKeys()).extracting(k -> k.role()).containsExactly("read", "write", "admin");
  }

  @Test
  void recommendationsTopicIsOffByDefaultAndCheckedWhenSet() {
    assertThat(ConfigLoader.load(null, Map.of(), null).kafka().publishesRecommendations()).isFalse();
    ObjectNode on = JsonNodeFactory.instance.objectNode();
    on.putObject("kafka").put("recommendationsTopic", "kerec.recommendations");
    assertThat(ConfigLoader.load(null, Map.of(), on).kafka().publishesRecommendations()).isTrue();
    ObjectNode input = JsonNodeFactory.instance.objectNode();
    input.putObject("kafka").put("recommendationsTopic", "kerec.events");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), input))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.recommendationsTopic")
        .hasMessageContaining("input topic");
    ObjectNode badName = JsonNodeFactory.instance.objectNode();
    badName.putObject("kafka").put("recommendationsTopic", "recs for users");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), badName))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.recommendationsTopic")
        .hasMessageContaining("topic name");
  }

  @Test
  void verdictsTopicIsOffByDefaultAndMustBeALegalDistinctTopic() {
    assertThat(ConfigLoader.load(null, Map.of(), null).kafka().readsVerdicts()).isFalse();
    ObjectNode on = JsonNodeFactory.instance.objectNode();
    on.putObject("kafka").put("enabled", true).put("verdictsTopic", "judge.verdicts");
    KafkaOptions kafka = ConfigLoader.load(null, Map.of(), on).kafka();
    assertThat(kafka.readsVerdicts()).isTrue();
    assertThat(kafka.verdictsTopic()).isEqualTo("judge.verdicts");
    for (String clash : new String[] {"kerec.items", "kerec.events", "kerec.dead-letters", "kerec.recs"}) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.putObject("kafka").put("enabled", true).put("recommendationsTopic", "kerec.recs").put("verdictsTopic", clash);
      assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), o)).as(clash)
          .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.verdictsTopic")
          .hasMessageContaining("must differ");
    }
    ObjectNode badName = JsonNodeFactory.instance.objectNode();
    badName.putObject("kafka").put("verdictsTopic", "verdicts/of/judge");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), badName))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.verdictsTopic")
        .hasMessageContaining("topic name");
  }

  @Test
  void recommendationCacheIsOnByDefaultOffWithStalenessZeroAndChecked() {
    CacheOptions cache = ConfigLoader.load(null, Map.of(), null).cache();
    assertThat(cache.active()).isTrue();
    assertThat(cache.refreshAfterMs()).isLessThanOrEqualTo(cache.maxStalenessMs());
    ObjectNode zero = JsonNodeFactory.instance.objectNode();
    zero.putObject("cache").put("maxStalenessMs", 0);
    assertThat(ConfigLoader.load(null, Map.of(), zero).cache().active()).isFalse();
    ObjectNode off = JsonNodeFactory.instance.objectNode();
    off.putObject("cache").put("enabled", false);
    assertThat(ConfigLoader.load(null, Map.of(), off).cache().active()).isFalse();
    ObjectNode late = JsonNodeFactory.instance.objectNode();
    late.putObject("cache").put("maxStalenessMs", 1_000).put("refreshAfterMs", 2_000);
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), late))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cache.refreshAfterMs");
    ObjectNode none = JsonNodeFactory.instance.objectNode();
    none.putObject("cache").put("maxEntries", 0);
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), none))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cache.maxEntries");
  }
}
