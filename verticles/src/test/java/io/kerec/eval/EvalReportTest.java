package io.kerec.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalReportTest {
  static final List<String> PER_K = List.of("hr@", "recall@", "ndcg@", "coverage@", "cold_hr@", "cold_recall@",
      "warm_hr@", "warm_recall@");

  static MethodMetrics m(String method, int k, double hr) {
    return new MethodMetrics(method, k, 1308, hr, hr / 5, hr / 4, 0.1234567, 769, 0.05, 0.01, 1301, hr + 0.01,
        hr / 5 + 0.01, 2.5);
  }

  static EvalReport report() {
    EvalReport r = new EvalReport(EvalProtocol.PERIOD, "transactions.csv.gz < 2011-09-01T00:00:00Z",
        "transactions.csv.gz >= 2011-09-01T00:00:00Z", 1308, 769, List.of(20, 10));
    // added out of order: the output lists methods by name
    r.add(m("popularity", 10, 0.28)).add(m("popularity", 20, 0.36));
    r.addAll(List.of(m("kerec", 10, 0.45), m("kerec", 20, 0.55), m("cooccurrence", 20, 0.5),
        m("cooccurrence", 10, 0.42)));
    return r;
  }

  @Test
  void writesJsonWithTheFixedKeys(@TempDir Path dir) throws IOException {
    List<Path> files = report().write(dir.resolve("out"));
    assertThat(files).extracting(p -> p.getFileName().toString())
        .containsExactly("report.json", "report.md", "hr.png", "cold.png");
    JsonNode root = new ObjectMapper().readTree(dir.resolve("out/report.json").toFile());
    assertThat(root.get("protocol").asText()).isEqualTo("period");
    assertThat(root.get("train").asText()).isEqualTo("transactions.csv.gz < 2011-09-01T00:00:00Z");
    assertThat(root.get("test").asText()).isEqualTo("transactions.csv.gz >= 2011-09-01T00:00:00Z");
    assertThat(root.get("users").asInt()).isEqualTo(1308);
    assertThat(root.get("cold_users").asInt()).isEqualTo(769);
    assertThat(root.get("ks").toString()).isEqualTo("[10,20]");
    List<String> names = new ArrayList<>();
    root.get("methods").fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("cooccurrence", "kerec", "popularity");
    for (String name : names) {
      JsonNode mm = root.get("methods").get(name);
      List<String> keys = new ArrayList<>();
      mm.fieldNames().forEachRemaining(keys::add);
      List<String> expected = new ArrayList<>(List.of("users", "cold_users", "warm_users", "seconds"));
      for (int k : List.of(10, 20)) {
        PER_K.forEach(p -> expected.add(p + k));
      }
      assertThat(keys).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(keys).isSorted();
      assertThat(mm.get("cold_users").asInt()).isEqualTo(769);
      assertThat(mm.get("seconds").asDouble()).isEqualTo(2.5);
      assertThat(mm.get("coverage@10").asDouble()).isEqualTo(0.123457); // 6 decimals
    }
    assertThat(root.get("methods").get("kerec").get("hr@10").asDouble()).isEqualTo(0.45);
    assertThat(root.get("methods").get("kerec").get("ndcg@20").asDouble()).isEqualTo(0.1375);
  }

  @Test
  void writesMarkdownTablesAndCharts(@TempDir Path dir) throws IOException {
    report().write(dir);
    String md = Files.readString(dir.resolve("report.md"));
    assertThat(md).contains("# Offline evaluation: period protocol", "- train: transactions.csv.gz < 2011-09-01",
        "- users: 1308", "769", "## k = 10", "## k = 20",
        "| method | HR@10 | Recall@10 | NDCG@10 | coverage@10 | cold HR@10 | cold Recall@10 | seconds |",
        "| kerec | 0.4500 | 0.0900 | 0.1125 | 0.1235 | 0.0500 | 0.0100 | 2.5000 |");
    assertThat(md.indexOf("| cooccurrence")).isLessThan(md.indexOf("| kerec")).isLessThan(md.indexOf("| popularity"));
    for (String png : List.of("hr.png", "cold.png")) {
      Path f = dir.resolve(png);
      assertThat(f).isRegularFile();
      assertThat(Files.size(f)).isPositive();
      assertThat(ImageIO.read(f.toFile()).getWidth()).isGreaterThanOrEqualTo(800);
    }
    assertThat(System.getProperty("java.awt.headless")).isEqualTo("true");
  }

  @Test
  void sameInputsSameText(@TempDir Path dir) throws IOException {
    EvalReport r = report();
    r.write(dir.resolve("a"));
    report().write(dir.resolve("b"));
    for (String f : List.of("report.json", "report.md")) {
      assertThat(Files.readString(dir.resolve("a").resolve(f))).isEqualTo(Files.readString(dir.resolve("b").resolve(f)));
    }
    assertThat(r.methods()).containsExactly("cooccurrence", "kerec", "popularity");
    assertThat(r.get("kerec", 20)).hasValueSatisfying(x -> assertThat(x.hr()).isEqualTo(0.55));
  }

  @Test
  void missingResultsAreNullAndUnknownKsRejected(@TempDir Path dir) throws IOException {
    EvalReport r = new EvalReport(EvalProtocol.BASKET, "a", "b", 3, 1, List.of(10, 20)).add(m("kerec", 20, 0.3));
    JsonNode kerec = new ObjectMapper().readTree(r.json()).get("methods").get("kerec");
    assertThat(kerec.get("hr@10").isNull()).isTrue();
    assertThat(kerec.get("hr@20").asDouble()).isEqualTo(0.3);
    assertThat(r.markdown()).contains("| kerec | - | - |", "- cases (invoices): 3");
    r.write(dir);
    assertThat(dir.resolve("cold.png")).isNotEmptyFile();
    assertThatThrownBy(() -> r.add(m("kerec", 5, 0.1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ofCountsCasesAndColdCases() {
    List<EvalCase> cases = List.of(MetricsTest.evalCase("1", java.util.Set.of("a"), java.util.Set.of("a")),
        MetricsTest.evalCase("2", java.util.Set.of("b"), java.util.Set.of()));
    EvalReport r = EvalReport.of(EvalProtocol.BASKET, "t", "s", cases, List.of(10));
    assertThat(r.users()).isEqualTo(2);
    assertThat(r.coldUsers()).isEqualTo(1);
  }
}
