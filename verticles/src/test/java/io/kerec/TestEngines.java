package io.kerec;

import static io.kerec.testing.Await.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.config.ConfigLoader;
import io.kerec.config.KerecConfig;
import io.kerec.engine.Engine;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;

/** Engines for tests: embedded PostgreSQL and JanusGraph under a temporary directory, random HTTP port. */
final class TestEngines {
  private TestEngines() {
  }

  /** Test configuration: fast judging, small support thresholds suited to a hand-made catalog. */
  static KerecConfig config(Path dataDir) {
    return ConfigLoader.load(null, Map.of(), overrides(dataDir));
  }

  /** The test configuration as flags, for a test to add its own settings to before loading. */
  static ObjectNode overrides(Path dataDir) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("dataDir", dataDir.toString());
    o.putObject("http").put("port", 0).put("maxBodyBytes", 64 * 1024);
    // the hand-made catalogs test the evidence rule: no shop knowledge file unless a test asks for one
    ObjectNode judge = o.putObject("judge").put("intervalMs", 200).put("knowledge", "none");
    judge.putObject("evidence").put("minSupport", 3);
    o.putObject("rank").put("device", "cpu").put("retrainEveryPurchases", 1_000_000);
    return o;
  }

  static Engine start(Vertx vertx, KerecConfig config) {
    return await(Engine.start(vertx, config));
  }
}
