package io.kerec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kerec.cli.Kerec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kerec judge score} on the committed yardstick and the shared Online Retail bills before 2011-09-01 holds
 * the default judge (the shipped knowledge file, then the evidence rule) to its measured figures: precision 0.477,
 * recall 0.208, substitute leak 0.221, unrelated leak 0.081, and the evidence rule alone to 0.389 / 0.140 /
 * 0.195 / 0.081. Needs the shared file ({@code shared/datasets/online-retail/transactions.csv.gz} in the working
 * directory or a parent): like the other tests tagged {@code dataset}, it reports itself skipped, with the reason,
 * where the file is missing.
 */
@Tag("dataset")
class JudgeScoreCommandTest {
  private static final Path RELATIVE = Path.of("shared", "datasets", "online-retail", "transactions.csv.gz");

  @TempDir
  Path out;

  @Test
  void theDefaultJudgeKeepsItsFiguresOnTheYardstick() throws Exception {
    JsonNode score = score("default");
    assertThat(score.get("pairs").asInt()).isEqualTo(819);
    assertThat(score.get("precision").asDouble()).isGreaterThanOrEqualTo(0.46);
    assertThat(score.get("recall").asDouble()).isGreaterThanOrEqualTo(0.20);
    assertThat(score.get("substituteLeak").asDouble()).isLessThanOrEqualTo(0.23);
    assertThat(score.get("unrelatedLeak").asDouble()).isLessThanOrEqualTo(0.09);
    assertThat(score.get("linkedByProvider").get("knowledge").asInt()).isPositive();
    String md = Files.readString(out.resolve("default/judge-score.md"));
    assertThat(md).contains("| default | 819 |").contains("## Examples");
    assertThat(Files.readString(out.resolve("default/judge-score-pairs.csv")))
        .startsWith("source,target,label,verdict,provider,confidence,reason");
  }

  @Test
  void theEvidenceRuleAloneLeaksLittle() throws Exception {
    JsonNode score = score("evidence");
    assertThat(score.get("unrelatedLeak").asDouble()).isLessThanOrEqualTo(0.09);
    assertThat(score.get("substituteLeak").asDouble()).isLessThanOrEqualTo(0.21);
    assertThat(score.get("precision").asDouble()).isGreaterThanOrEqualTo(0.37);
    assertThat(score.get("recall").asDouble()).isGreaterThanOrEqualTo(0.13);
    assertThat(score.get("linkedByProvider").has("knowledge")).isFalse();
  }

  private JsonNode score(String provider) throws Exception {
    Path bills = sharedFile();
    Path labels = Path.of("src", "test", "resources", "judge", "yardstick.csv");
    StringWriter err = new StringWriter();
    int code = new CommandLine(new Kerec()).setOut(new PrintWriter(new StringWriter()))
        .setErr(new PrintWriter(err)).execute("judge", "score", "--labels", labels.toString(), "--transactions",
            bills.toString(), "--split", "2011-09-01", "--provider", provider, "--examples", "3",
            "--out", out.resolve(provider).toString());
    assertThat(code).as(err.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(out.resolve(provider).resolve("judge-score.json").toFile());
    assertThat(json.get("examples")).hasSize(3);
    return json.get("score");
  }

  private static Path sharedFile() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(RELATIVE))) {
        return dir.resolve(RELATIVE);
      }
    }
    // as every test tagged dataset: the file is fetched from elsewhere and never committed, so a machine without it
    // (a clean CI clone) reports this test as skipped, with the reason
    Assumptions.abort("skipped: the shared Online Retail file " + RELATIVE + " is in neither "
        + Path.of("").toAbsolutePath() + " nor a parent");
    return null;
  }
}
