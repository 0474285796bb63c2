package io.kerec.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Builds a {@link KerecConfig}: defaults, then a JSON config file (deep-merged; unknown keys are errors), then
 * environment variables ({@code KEREC_DATA_DIR}, {@code KEREC_HTTP_HOST}, {@code KEREC_HTTP_PORT}), then
 * explicit overrides (command-line flags), and validates the result.
 */
public final class ConfigLoader {
  /** Bundled default config file, the same as {@code conf/embedded.json} in the repository. */
  public static final String BUNDLED = "conf/embedded.json";

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  private ConfigLoader() {
  }

  /**
   * Loads the configuration.
   *
   * @param file      config file, or null for the bundled embedded default
   * @param env       environment variables
   * @param overrides flags as a partial config tree (e.g. {@code {"http":{"port":9090}}}), may be null
   */
  public static KerecConfig load(Path file, Map<String, String> env, ObjectNode overrides) {
    ObjectNode tree = MAPPER.valueToTree(KerecConfig.defaults());
    merge(tree, file == null ? readBundled() : readFile(file));
    merge(tree, fromEnv(env));
    if (overrides != null) {
      merge(tree, overrides);
    }
    try {
      return MAPPER.treeToValue(tree, KerecConfig.class).validate();
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(path(e) , "unknown setting", e);
    } catch (IOException e) {
      // a record that checks its own ranges throws while Jackson builds it: report its key, not Jackson's text
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof ConfigException c) {
          throw c;
        }
      }
      throw new ConfigException("config", e.getMessage(), e);
    }
  }

  private static String path(UnrecognizedPropertyException e) {
    StringBuilder sb = new StringBuilder();
    for (var ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        sb.append(sb.isEmpty() ? "" : ".").append(ref.getFieldName());
      }
    }
    return sb.toString();
  }

  private static ObjectNode readBundled() {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(BUNDLED)) {
      if (in == null) {
        return MAPPER.createObjectNode();
      }
      return (ObjectNode) MAPPER.readTree(in);
    } catch (IOException | ClassCastException e) {
      throw new ConfigException("config", "bundled " + BUNDLED + " unreadable", e);
    }
  }

  private static ObjectNode readFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("config", "no such file " + file);
    }
    try {
      JsonNode node = MAPPER.readTree(file.toFile());
      if (!(node instanceof ObjectNode object)) {
        throw new ConfigException("config", file + " must hold a JSON object");
      }
      return object;
    } catch (IOException e) {
      throw new ConfigException("config", file + ": " + e.getMessage(), e);
    }
  }

  private static ObjectNode fromEnv(Map<String, String> env) {
    ObjectNode node = MAPPER.createObjectNode();
    if (env.containsKey("KEREC_DATA_DIR")) {
      node.put("dataDir", env.get("KEREC_DATA_DIR"));
    }
    if (env.containsKey("KEREC_HTTP_HOST")) {
      node.putObject("http").put("host", env.get("KEREC_HTTP_HOST"));
    }
    if (env.containsKey("KEREC_HTTP_PORT")) {
      try {
        node.with("http").put("port", Integer.parseInt(env.get("KEREC_HTTP_PORT")));
      } catch (NumberFormatException e) {
        throw new ConfigException("KEREC_HTTP_PORT", "not a number: " + env.get("KEREC_HTTP_PORT"));
      }
    }
    if (env.containsKey("KEREC_CLUSTER_HOST")) {
      node.putObject("cluster").put("host", env.get("KEREC_CLUSTER_HOST"));
    }
    return node;
  }

  /** Deep-merges {@code source} into {@code target}: objects merge key by key, anything else replaces. */
  static void merge(ObjectNode target, ObjectNode source) {
    Iterator<Map.Entry<String, JsonNode>> fields = source.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode existing = target.get(field.getKey());
      if (existing instanceof ObjectNode existingObject && field.getValue() instanceof ObjectNode sourceObject) {
        merge(existingObject, sourceObject);
      } else {
        target.set(field.getKey(), field.getValue());
      }
    }
  }
}
