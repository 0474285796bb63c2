package io.kerec.judge;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The shop's own complements ({@code conf/complements.json}): directed pairs it knows to be complementary ("a
 * t-light holder holds t-lights") and pairs it knows are not ("lunch bag / lunch box: substitutes"), each with the
 * shop's reason. They become verdicts of provider {@value #PROVIDER}, which the graph prefers to every other
 * verdict of the same pair and the pair strategy never asks about again.
 *
 * <p>Format: {@code {"version": 1, "complements": [{"source", "target", "both"?, "why"}], "uses": {"tea time":
 * ["teacup", "saucer", ...]}, "notComplements": [...]}}; {@code both: true} states the pair in both directions; a
 * use group links every two of its entities both ways (confidence 0.9) unless they end in the same word (the same
 * kind of thing); {@code notComplements} win over both, explicit lines over groups. The model recorded with the verdicts is
 * {@code complements.json@} and the first 12 hex digits of the file's SHA-256, so an edited file gives new
 * verdicts. Immutable and thread-safe.
 */
public final class KnowledgeFile {
  /** Provider name recorded with verdicts from the file. */
  public static final String PROVIDER = "knowledge";
  /** Decision-rule version recorded with verdicts from the file. */
  public static final String PROMPT_VERSION = "knowledge-v1";
  /** The bundled file, on the classpath. */
  public static final String BUNDLED_RESOURCE = "conf/complements.json";
  /** Configuration value that means "no knowledge file". */
  public static final String NONE = "none";

  private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Set<String> KEYS = Set.of("version", "comment", "complements", "uses", "notComplements");
  private static final Set<String> LINE_KEYS = Set.of("source", "target", "both", "why");

  private final String model;
  private final Map<EntityPair, Verdict> verdicts;

  private KnowledgeFile(String model, Map<EntityPair, Verdict> verdicts) {
    this.model = model;
    this.verdicts = verdicts;
  }

  /** A file that knows nothing. */
  public static KnowledgeFile empty() {
    return new KnowledgeFile("none", Map.of());
  }

  /**
   * @param location null for the bundled file, {@value #NONE} for none, otherwise a path
   * @return the knowledge file
   * @throws IllegalArgumentException when the file is unreadable or malformed (the message names the line)
   */
  public static KnowledgeFile load(String location) {
    if (NONE.equals(location)) {
      return empty();
    }
    try {
      if (location == null) {
        try (InputStream in = KnowledgeFile.class.getClassLoader().getResourceAsStream(BUNDLED_RESOURCE)) {
          if (in == null) {
            throw new IllegalArgumentException("classpath resource " + BUNDLED_RESOURCE + " not found");
          }
          return parse(in.readAllBytes());
        }
      }
      return parse(Files.readAllBytes(Path.of(location)));
    } catch (IOException e) {
      throw new IllegalArgumentException("knowledge file " + location + " unreadable: " + e.getMessage(), e);
    }
  }

  /**
   * @param bytes the file's content (UTF-8 JSON)
   * @return the knowledge it states
   */
  public static KnowledgeFile parse(byte[] bytes) {
    JsonNode root;
    try {
      root = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException("knowledge file: not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("knowledge file: $ must be an object");
    }
    root.fieldNames().forEachRemaining(k -> {
      if (!KEYS.contains(k)) {
        throw new IllegalArgumentException("knowledge file: $." + k + " is not a known key " + KEYS);
      }
    });
    if (root.path("version").asInt(-1) != 1) {
      throw new IllegalArgumentException("knowledge file: $.version must be 1");
    }
    String model = "complements.json@" + sha256(bytes).substring(0, 12);
    Map<EntityPair, Verdict> verdicts = new LinkedHashMap<>();
    Map<EntityPair, Verdict> never = new LinkedHashMap<>();
    read(root, "notComplements", false, model, never);
    read(root, "complements", true, model, verdicts);
    uses(root, model, verdicts);
    verdicts.putAll(never);
    return new KnowledgeFile(model, Map.copyOf(verdicts));
  }

  private static void read(JsonNode root, String section, boolean complementary, String model,
                           Map<EntityPair, Verdict> out) {
    JsonNode lines = root.path(section);
    if (lines.isMissingNode()) {
      return;
    }
    if (!lines.isArray()) {
      throw new IllegalArgumentException("knowledge file: $." + section + " must be an array");
    }
    for (int i = 0; i < lines.size(); i++) {
      String at = "$." + section + "[" + i + "]";
      JsonNode line = lines.get(i);
      if (!line.isObject()) {
        throw new IllegalArgumentException("knowledge file: " + at + " must be an object");
      }
      line.fieldNames().forEachRemaining(k -> {
        if (!LINE_KEYS.contains(k)) {
          throw new IllegalArgumentException("knowledge file: " + at + "." + k + " is not a known key " + LINE_KEYS);
        }
      });
      String source = text(line, "source", at);
      String target = text(line, "target", at);
      String why = text(line, "why", at);
      if (source.equals(target)) {
        throw new IllegalArgumentException("knowledge file: " + at + " names " + source + " twice");
      }
      String reason = "shop knowledge: " + why;
      put(out, new Verdict(source, target, complementary, 1.0, reason, PROVIDER, model, PROMPT_VERSION, 0), at);
      if (line.path("both").asBoolean(false)) {
        put(out, new Verdict(target, source, complementary, 1.0, reason, PROVIDER, model, PROMPT_VERSION, 0), at);
      }
    }
  }

  /** Every two entities of a use group, both ways, unless a line already decided them or they are one kind. */
  private static void uses(JsonNode root, String model, Map<EntityPair, Verdict> out) {
    JsonNode groups = root.path("uses");
    if (groups.isMissingNode()) {
      return;
    }
    if (!groups.isObject()) {
      throw new IllegalArgumentException("knowledge file: $.uses must be an object of use -> entities");
    }
    for (var it = groups.fields(); it.hasNext(); ) {
      var group = it.next();
      String at = "$.uses." + group.getKey();
      if (!group.getValue().isArray()) {
        throw new IllegalArgumentException("knowledge file: " + at + " must be an array of entity names");
      }
      List<String> members = new ArrayList<>();
      for (JsonNode m : group.getValue()) {
        if (!m.isTextual() || m.asText().isBlank()) {
          throw new IllegalArgumentException("knowledge file: " + at + " holds a blank or non-string name");
        }
        members.add(m.asText().trim());
      }
      String reason = "shop knowledge: both used for " + group.getKey();
      for (String a : members) {
        for (String b : members) {
          if (a.equals(b) || EvidenceProvider.lastWord(a).equals(EvidenceProvider.lastWord(b))) {
            continue;
          }
          out.putIfAbsent(new EntityPair(a, b),
              new Verdict(a, b, true, 0.9, reason, PROVIDER, model, PROMPT_VERSION, 0));
        }
      }
    }
  }

  private static void put(Map<EntityPair, Verdict> out, Verdict v, String at) {
    Verdict before = out.put(v.pair(), v);
    if (before != null && before.complementary() != v.complementary()) {
      throw new IllegalArgumentException("knowledge file: " + at + " contradicts an earlier line about "
          + v.source() + " -> " + v.target());
    }
  }

  private static String text(JsonNode line, String key, String at) {
    JsonNode v = line.get(key);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new IllegalArgumentException("knowledge file: " + at + "." + key + " must be a non-blank string");
    }
    return v.asText().trim();
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** @return the model name recorded with this file's verdicts (changes with the file's content) */
  public String model() {
    return model;
  }

  /** @return the verdict the file states about a directed pair, if any */
  public Optional<Verdict> verdict(EntityPair pair) {
    return Optional.ofNullable(verdicts.get(pair));
  }

  /** @return every verdict the file states, in a stable order (by source, then target) */
  public List<Verdict> verdicts() {
    List<Verdict> all = new ArrayList<>(verdicts.values());
    all.sort((a, b) -> {
      int c = a.source().compareTo(b.source());
      return c != 0 ? c : a.target().compareTo(b.target());
    });
    return all;
  }

  /** @return the number of directed pairs the file states */
  public int size() {
    return verdicts.size();
  }
}
