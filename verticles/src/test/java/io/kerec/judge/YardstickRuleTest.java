package io.kerec.judge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The committed yardstick ({@code judge/yardstick.csv}) is what its written rule ({@code judge/yardstick-rule.md},
 * table {@code judge/kinds.json}) says, pair by pair: the labels are derived from what the entities are, never
 * from a judge's output. And it covers what the issue asks: at least 500 directed pairs, head, torso and tail,
 * pairs the first evidence judge linked and pairs it did not.
 */
class YardstickRuleTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyLabelFollowsTheRule() throws IOException {
    JsonNode table;
    try (InputStream in = resource("judge/kinds.json")) {
      table = JSON.readTree(in);
    }
    Map<String, String> kindOf = new HashMap<>();
    table.get("kinds").fields().forEachRemaining(k -> {
      kindOf.putIfAbsent(k.getKey(), k.getKey());
      k.getValue().forEach(m -> kindOf.putIfAbsent(m.asText(), k.getKey()));
    });
    Map<String, Set<String>> uses = new HashMap<>();
    table.get("uses").fields().forEachRemaining(u -> {
      Set<String> kinds = new HashSet<>();
      u.getValue().forEach(m -> kinds.add(kindOf.getOrDefault(m.asText(), m.asText())));
      uses.put(u.getKey(), kinds);
    });
    List<String[]> rows = rows();
    assertThat(rows).hasSizeGreaterThanOrEqualTo(500);
    Set<String> labels = new HashSet<>();
    Set<String> segments = new HashSet<>();
    Set<String> linked = new HashSet<>();
    Set<String> pairs = new HashSet<>();
    for (String[] r : rows) {
      String ka = kindOf.getOrDefault(r[0], r[0]);
      String kb = kindOf.getOrDefault(r[1], r[1]);
      String expected;
      if (ka.equals(kb)) {
        expected = "substitute";
      } else if (uses.values().stream().anyMatch(k -> k.contains(ka) && k.contains(kb))) {
        expected = "complementary";
      } else {
        expected = "unrelated";
      }
      assertThat(r[2]).as("%s -> %s", r[0], r[1]).isEqualTo(expected);
      assertThat(pairs.add(r[0] + "|" + r[1])).as("duplicate %s -> %s", r[0], r[1]).isTrue();
      assertThat(r[0]).isNotEqualTo(r[1]);
      labels.add(r[2]);
      segments.add(r[3]);
      segments.add(r[4]);
      linked.add(r[5]);
    }
    assertThat(labels).containsExactlyInAnyOrder("complementary", "substitute", "unrelated");
    assertThat(segments).containsExactlyInAnyOrder("head", "torso", "tail");
    assertThat(linked).containsExactlyInAnyOrder("yes", "no");
  }

  @Test
  void theYardstickReadsAsTheScoreCommandReadsIt() throws IOException {
    java.nio.file.Path tmp = java.nio.file.Files.createTempFile("yardstick", ".csv");
    try (InputStream in = resource("judge/yardstick.csv")) {
      java.nio.file.Files.write(tmp, in.readAllBytes());
    }
    Yardstick y = Yardstick.read(tmp);
    assertThat(y.rows()).hasSize(rows().size());
    // a judge that links exactly the complementary pairs scores 1, 1, 0, 0
    Yardstick.Score perfect = y.score(p -> y.rows().stream().filter(r -> r.pair().equals(p)).findFirst()
        .map(r -> new Verdict(p.source(), p.target(), r.label() == Yardstick.Label.COMPLEMENTARY, 1.0, "oracle",
            "oracle", "m", "v", 0)));
    assertThat(perfect.precision()).isEqualTo(1.0);
    assertThat(perfect.recall()).isEqualTo(1.0);
    assertThat(perfect.substituteLeak()).isZero();
    assertThat(perfect.unrelatedLeak()).isZero();
    // one that links everything leaks everything
    Yardstick.Score all = y.score(p -> java.util.Optional.of(
        new Verdict(p.source(), p.target(), true, 1.0, "all", "all", "m", "v", 0)));
    assertThat(all.recall()).isEqualTo(1.0);
    assertThat(all.substituteLeak()).isEqualTo(1.0);
    assertThat(all.unrelatedLeak()).isEqualTo(1.0);
    assertThat(all.precision()).isLessThan(0.5);
    java.nio.file.Files.delete(tmp);
  }

  private static List<String[]> rows() throws IOException {
    List<String[]> rows = new ArrayList<>();
    try (InputStream in = resource("judge/yardstick.csv")) {
      String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
      assertThat(lines[0]).startsWith("source,target,label,source_segment,target_segment,evidence_v1_linked");
      for (int i = 1; i < lines.length; i++) {
        if (!lines[i].isBlank()) {
          rows.add(lines[i].split(","));
        }
      }
    }
    return rows;
  }

  private static InputStream resource(String name) {
    InputStream in = YardstickRuleTest.class.getClassLoader().getResourceAsStream(name);
    assertThat(in).as(name).isNotNull();
    return in;
  }
}
