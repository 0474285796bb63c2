package io.kerec.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.config.ConfigLoader;
import io.kerec.config.KerecConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --conf} and {@code --data} options of the commands that open an engine's stores, as a picocli mixin,
 * and the configuration they select (bundled defaults, file, environment, then the data directory flag).
 */
final class EngineConfigOptions {
  @Option(names = "--conf", description = "Engine configuration (default: the bundled embedded one).")
  Path conf;

  @Option(names = "--data", description = "Data directory (overrides the configuration).")
  Path data;

  /** The configuration these options select; {@code ConfigException} names a bad setting. */
  KerecConfig load() {
    return load(conf, data);
  }

  static KerecConfig load(Path conf, Path data) {
    ObjectNode overrides = JsonNodeFactory.instance.objectNode();
    if (data != null) {
      overrides.put("dataDir", data.toString());
    }
    return ConfigLoader.load(conf, System.getenv(), overrides);
  }
}
