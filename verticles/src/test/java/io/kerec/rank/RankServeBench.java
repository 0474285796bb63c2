package io.kerec.rank;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.kerec.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./kerec bench rank}: the rank verticle (trained E-E-I model, DJL on CPU) scoring requests of 200 candidates
 * sent over the event bus by concurrent clients, with micro-batching on (up to 64 requests per forward pass, 1 ms
 * wait) and off (one request per pass), with the engine's default number of networks ({@code rank.members}) and
 * with one. Writes {@code bench-rank.json} and {@code bench-rank.md} into
 * {@code -Dkerec.bench.out} and the {@code rank} key of {@code bench.json}.
 */
@EnabledIfSystemProperty(named = "kerec.bench", matches = "true")
class RankServeBench {
  private static final int[] CONCURRENCY = {1, 8, 32};
  private static final long MILLIS = 4_000;
  /** The engine's default number of networks ({@code rank.members}), and one network, measured in the same run. */
  private static final int DEFAULT_MEMBERS =
      ConfigLoader.load(null, Map.of(), JsonNodeFactory.instance.objectNode()).rank().members();
  private static final int[] MEMBERS = {DEFAULT_MEMBERS, 1};

  @TempDir
  Path dir;

  @Test
  void measure() throws Exception {
    Path out = Path.of(System.getProperty("kerec.bench.out", "target/bench"));
    Files.createDirectories(out);
    List<Map<String, Object>> rows = new ArrayList<>();
    Map<String, Object> headline = null;
    for (int members : MEMBERS) {
      for (boolean batching : new boolean[] {true, false}) {
        try (RankRig rig = new RankRig(dir.resolve(members + (batching ? "-on" : "-off")), batching ? 64 : 1,
            batching ? 1 : 0, 20_000, 2, members)) {
          rig.train();
          rig.load(8, 1_000, null);
          for (int clients : CONCURRENCY) {
            RankRig.Load load = rig.load(clients, MILLIS, null);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("members", members);
            row.put("micro_batching", batching);
            row.put("concurrency", clients);
            row.put("requests", load.requests());
            row.put("failures", load.failures());
            row.put("candidates_per_s", Math.round(load.candidatesPerSecond()));
            row.put("p50_ms", round(load.percentileMs(0.50)));
            row.put("p99_ms", round(load.percentileMs(0.99)));
            if (load.versions().contains(RankVerticle.BASE_SCORE) || load.versions().isEmpty()) {
              throw new AssertionError("the bench must score with a trained model, saw " + load.versions());
            }
            rows.add(row);
            System.out.println("rank bench: " + row);
            if (batching && clients == CONCURRENCY[CONCURRENCY.length - 1] && members == DEFAULT_MEMBERS) {
              headline = row;
            }
          }
        }
      }
    }
    Map<String, Object> rank = new LinkedHashMap<>();
    rank.put("candidates_per_s", headline.get("candidates_per_s"));
    rank.put("p50_ms", headline.get("p50_ms"));
    rank.put("p99_ms", headline.get("p99_ms"));
    rank.put("concurrency", headline.get("concurrency"));
    rank.put("members", DEFAULT_MEMBERS);
    rank.put("candidates_per_request", 200);
    rank.put("device", "cpu");
    rank.put("runs", rows);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    json.writeValue(out.resolve("bench-rank.json").toFile(), Map.of("rank", rank));
    Path combined = out.resolve("bench.json");
    Map<String, Object> all = Files.exists(combined)
        ? json.readValue(combined.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { })
        : new LinkedHashMap<>();
    all.put("rank", rank);
    json.writeValue(combined.toFile(), all);
    StringBuilder md = new StringBuilder("# Rank benchmark\n\n");
    md.append(String.format(Locale.ROOT, "Requests of 200 candidates to the rank verticle over the event bus, E-E-I "
        + "model on CPU (DJL, PyTorch), %d s per run, the engine's %d networks (`rank.members`) and one. Headline "
        + "(%d networks, micro-batching on, %s clients): **%,d candidates/s**, p50 %s ms, p99 %s ms.%n%n",
        MILLIS / 1000, DEFAULT_MEMBERS, DEFAULT_MEMBERS, headline.get("concurrency"),
        (long) headline.get("candidates_per_s"), headline.get("p50_ms"), headline.get("p99_ms")));
    md.append("| networks | micro-batching | clients | requests | failed | candidates/s | p50 ms | p99 ms |\n");
    md.append("|---:|---|---:|---:|---:|---:|---:|---:|\n");
    for (Map<String, Object> r : rows) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %,d | %s | %s |%n", r.get("members"),
          (boolean) r.get("micro_batching") ? "on" : "off", r.get("concurrency"), r.get("requests"),
          r.get("failures"), (long) r.get("candidates_per_s"), r.get("p50_ms"), r.get("p99_ms")));
    }
    Files.writeString(out.resolve("bench-rank.md"), md.toString());
  }

  private static double round(double x) {
    return Math.round(x * 100) / 100.0;
  }
}
