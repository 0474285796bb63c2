package io.kerec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kerec.cli.Kerec;
import io.kerec.judge.EntityPair;
import io.kerec.judge.LlmPairList;
import io.kerec.judge.ProviderSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kerec judge score --provider llm|hybrid} measures an LLM on a yardstick: live against a local
 * OpenAI-compatible server standing in for the remote provider (its verdicts a known function of the pair), or
 * from a Batch API output file of the requests {@code --llm-export} wrote. The figures must be the ones that
 * function gives; {@code hybrid} must put the knowledge file first and let the evidence rule decide the pairs the
 * LLM left out.
 */
class JudgeScoreLlmTest {
  private static final List<String> NAMES = List.of("teacup", "saucer", "teapot", "tea cosy", "cake stand",
      "cake case", "jumbo bag", "t-light holder", "t-light", "doormat", "hot water bottle", "mug");
  private static final EntityPair LEFT_OUT = new EntityPair("jumbo bag", "teacup");

  @TempDir
  Path dir;

  private Vertx vertx;
  private ProviderSimulator llm;
  private Path bills;
  private Path labels;
  private final Map<EntityPair, String> label = new HashMap<>();
  private final List<EntityPair> pairs = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    llm = new ProviderSimulator(vertx, ProviderSimulator.Options.perfect()).start().leaveOut(LEFT_OUT::equals);
    StringBuilder csv = new StringBuilder("user_id,item_id,basket_id,ts,title\n");
    String[][] baskets = {{"TEACUP", "SAUCER", "JUMBO BAG"}, {"CAKESTAND", "CAKE CASES"}, {"TEAPOT", "TEA COSY"},
        {"T-LIGHT HOLDER", "T-LIGHTS"}, {"DOORMAT", "HOT WATER BOTTLE", "JUMBO BAG"}};
    int n = 0;
    for (int i = 0; i < 60; i++) {
      String[] basket = baskets[i % baskets.length];
      for (String title : basket) {
        csv.append("u").append(i % 17).append(",I-").append(title.replace(' ', '-')).append(",b").append(i)
            .append(",2011-03-").append(String.format("%02d", 1 + i % 28)).append(" 10:").append(String.format("%02d",
                n++ % 60)).append(":00,RED ").append(title).append('\n');
      }
    }
    bills = dir.resolve("bills.csv");
    Files.writeString(bills, csv);
    // every ordered pair of the names, labeled by a toy rule (tea things and cake things go together; a mug is a
    // teacup's substitute; the rest unrelated): the figures are checked against whatever the labels say
    StringBuilder yard = new StringBuilder("source,target,label\n");
    for (String a : NAMES) {
      for (String b : NAMES) {
        if (a.equals(b)) {
          continue;
        }
        String l = Set.of(a, b).equals(Set.of("teacup", "mug")) ? "substitute"
            : tea(a) && tea(b) || cake(a) && cake(b) ? "complementary" : "unrelated";
        EntityPair p = new EntityPair(a, b);
        pairs.add(p);
        label.put(p, l);
        yard.append(a).append(',').append(b).append(',').append(l).append('\n');
      }
    }
    labels = dir.resolve("yardstick.csv");
    Files.writeString(labels, yard);
  }

  private static boolean tea(String e) {
    return e.startsWith("tea") || e.equals("saucer");
  }

  private static boolean cake(String e) {
    return e.startsWith("cake");
  }

  @AfterEach
  void tearDown() throws Exception {
    llm.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Path conf() throws Exception {
    Path file = dir.resolve("kerec.json");
    Files.writeString(file, new JsonObject().put("judge", new JsonObject()
        .put("openai", new JsonObject().put("baseUrl", llm.baseUrl()).put("model", "sim-model").put("apiKeyEnv", "")
            .put("batchSize", 25).put("timeoutMs", 10_000))
        .put("llm", new JsonObject().put("maxInFlight", 3))).encodePrettily());
    return file;
  }

  private JsonNode run(String provider, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("judge", "score", "--labels", labels.toString(), "--transactions",
        bills.toString(), "--conf", conf().toString(), "--provider", provider, "--examples", "2",
        "--out", dir.resolve(provider + more.length).toString()));
    args.addAll(List.of(more));
    StringWriter err = new StringWriter();
    int code = new CommandLine(new Kerec()).setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
        .execute(args.toArray(String[]::new));
    assertThat(code).as(err.toString()).isZero();
    return new ObjectMapper().readTree(dir.resolve(provider + more.length).resolve("judge-score.json").toFile());
  }

  /** source,target → verdict,provider from the pairs file. */
  private Map<EntityPair, String> verdicts(String folder) throws Exception {
    Map<EntityPair, String> out = new HashMap<>();
    for (String line : Files.readAllLines(dir.resolve(folder).resolve("judge-score-pairs.csv")).subList(1,
        pairs.size() + 1)) {
      String[] cells = line.split(",", -1);
      out.put(new EntityPair(cells[0], cells[1]), cells[3] + "," + cells[4]);
    }
    return out;
  }

  @Test
  void theLlmAloneScoresExactlyWhatItAnswered() throws Exception {
    JsonNode json = run("llm");
    int complementary = 0;
    int linkedComplementary = 0;
    int linked = 0;
    int substitutes = 0;
    int linkedSubstitutes = 0;
    for (EntityPair p : pairs) {
      boolean yes = !p.equals(LEFT_OUT) && ProviderSimulator.answer(p).complementary();
      String l = label.get(p);
      complementary += l.equals("complementary") ? 1 : 0;
      substitutes += l.equals("substitute") ? 1 : 0;
      linked += yes ? 1 : 0;
      linkedComplementary += yes && l.equals("complementary") ? 1 : 0;
      linkedSubstitutes += yes && l.equals("substitute") ? 1 : 0;
    }
    JsonNode score = json.get("score");
    assertThat(score.get("pairs").asInt()).isEqualTo(132);
    assertThat(score.get("abstained").asInt()).isEqualTo(1);
    assertThat(score.get("precision").asDouble()).isEqualTo((double) linkedComplementary / linked);
    assertThat(score.get("recall").asDouble()).isEqualTo((double) linkedComplementary / complementary);
    assertThat(score.get("substituteLeak").asDouble()).isEqualTo((double) linkedSubstitutes / substitutes);
    assertThat(score.get("linkedByProvider").get("openai").asInt()).isEqualTo(linked);
    JsonNode about = json.get("llm");
    assertThat(about.get("model").asText()).isEqualTo("sim-model");
    assertThat(about.get("requests").asInt()).isEqualTo(6);
    assertThat(about.get("answered").asInt()).isEqualTo(131);
    assertThat(about.get("failedPairs").asInt()).isZero();
    assertThat(about.get("tokens").asLong()).isPositive();
    assertThat(llm.asked()).hasSize(132);
    assertThat(llm.paidTwice()).isZero();
    assertThat(Files.readString(dir.resolve("llm0/judge-score.md"))).contains("LLM `sim-model`")
        .contains("131 of 132 pairs answered");
  }

  @Test
  void hybridPutsTheKnowledgeFileFirstAndTheEvidenceRuleBehindTheLlm() throws Exception {
    run("hybrid");
    run("evidence");
    Map<EntityPair, String> hybrid = verdicts("hybrid0");
    Map<EntityPair, String> evidence = verdicts("evidence0");
    // the shipped knowledge file: teacup and saucer both ways, teapot and tea cosy both ways
    assertThat(hybrid.get(new EntityPair("teacup", "saucer"))).isEqualTo("complementary,knowledge");
    assertThat(hybrid.get(new EntityPair("tea cosy", "teapot"))).isEqualTo("complementary,knowledge");
    assertThat(hybrid.get(LEFT_OUT)).isEqualTo(evidence.get(LEFT_OUT));
    int llmDecided = 0;
    for (EntityPair p : pairs) {
      String v = hybrid.get(p);
      if (v.endsWith(",openai")) {
        llmDecided++;
        assertThat(v).startsWith(ProviderSimulator.answer(p).complementary() ? "complementary," : "not,");
      } else {
        assertThat(v).as(p.toString()).matches(x -> x.endsWith(",knowledge") || p.equals(LEFT_OUT));
      }
    }
    assertThat(llmDecided).isGreaterThan(100);
  }

  @Test
  void batchApiFilesGiveTheLiveFigures() throws Exception {
    Path input = dir.resolve("requests.jsonl");
    StringWriter out = new StringWriter();
    int code = new CommandLine(new Kerec()).setOut(new PrintWriter(out)).execute("judge", "score", "--labels",
        labels.toString(), "--transactions", bills.toString(), "--conf", conf().toString(), "--llm-export",
        input.toString());
    assertThat(code).isZero();
    assertThat(new ObjectMapper().readTree(out.toString()).get("requests").asInt()).isEqualTo(6);
    assertThat(llm.asked()).isEmpty();
    // the provider's Batch API, played here: answers each request as the live server would
    LlmPairList list = new LlmPairList(pairs, 25, "yardstick");
    List<String> output = new ArrayList<>();
    List<String> requests = Files.readAllLines(input);
    for (int n = 0; n < requests.size(); n++) {
      JsonObject request = new JsonObject(requests.get(n));
      JsonArray messages = request.getJsonObject("body").getJsonArray("messages");
      // as the live server: the left-out pair gets no verdict
      JsonObject body = ProviderSimulator.completionBody(list.requestPairs(n), messages, LEFT_OUT::equals);
      output.add(new JsonObject().put("custom_id", request.getString("custom_id")).put("response",
          new JsonObject().put("status_code", 200).put("body", body)).encode());
    }
    Path answers = dir.resolve("answers.jsonl");
    Files.write(answers, output);

    JsonNode fromFile = run("llm", "--llm-answers", answers.toString());
    JsonNode live = run("llm");
    assertThat(fromFile.get("score")).isEqualTo(live.get("score"));
    assertThat(fromFile.get("llm").get("answered").asInt()).isEqualTo(131);
    assertThat(fromFile.get("llm").get("answers").asText()).isEqualTo(answers.toString());
  }
}
