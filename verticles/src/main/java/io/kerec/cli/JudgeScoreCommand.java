package io.kerec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kerec.config.KerecConfig;
import io.kerec.dataset.CatalogItem;
import io.kerec.dataset.Dataset;
import io.kerec.dataset.Datasets;
import io.kerec.dataset.Purchase;
import io.kerec.entity.EntityDictionary;
import io.kerec.entity.EntityExtractor;
import io.kerec.entity.EntityExtractors;
import io.kerec.judge.EntityPair;
import io.kerec.judge.EvidenceProvider;
import io.kerec.judge.EvidenceStats;
import io.kerec.judge.KnowledgeFile;
import io.kerec.judge.LlmCallPolicy;
import io.kerec.judge.LlmPairList;
import io.kerec.judge.MiniLmSubstituteDetector;
import io.kerec.judge.OpenAiVerdictProvider;
import io.kerec.judge.Verdict;
import io.kerec.judge.Yardstick;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kerec judge score}: a judge's precision, recall and leaks on a labeled yardstick of entity pairs. */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Judge the labeled pairs of a yardstick (CSV: source,target,label with label complementary,"
        + " substitute or unrelated) with a judge built from a bills file as the engine builds it, and report"
        + " precision, recall, substitute leak and unrelated leak (JSON and Markdown), with examples of the"
        + " complements of the most popular entities. An LLM (judge.openai of --conf) is measured live or through"
        + " the Batch API: --llm-export writes the yardstick's requests, --llm-answers reads the output back.")
final class JudgeScoreCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec
  CommandSpec spec;

  @Option(names = "--labels", required = true, description = "The yardstick (CSV with source,target,label).")
  Path labels;

  @Option(names = "--transactions", required = true, description = "Bills file (Online Retail or generic CSV).")
  Path transactions;

  @Option(names = "--split", description = "Use only the bills before this day (yyyy-MM-dd), as kerec eval does.")
  LocalDate split;

  @Option(names = "--provider", defaultValue = "default",
      description = "default (the shop's knowledge file, then the evidence rule: what the engine runs), evidence"
          + " (the evidence rule alone), knowledge (the file alone), llm (the LLM of judge.openai alone, asked the"
          + " yardstick's pairs) or hybrid (the knowledge file, then the LLM, then the evidence rule: the engine"
          + " with imported LLM verdicts). Default: ${DEFAULT-VALUE}.")
  String provider;

  @Option(names = "--llm-answers", paramLabel = "FILE",
      description = "With llm or hybrid: take the LLM's answers from this OpenAI Batch API output file of the"
          + " requests --llm-export wrote, instead of asking live.")
  Path llmAnswers;

  @Option(names = "--llm-export", paramLabel = "FILE",
      description = "Write the yardstick's pairs as an OpenAI Batch API input file (the live prompt of judge.openai,"
          + " its batch size) and stop; nothing is scored or sent.")
  Path llmExport;

  @Option(names = "--conf", description = "Engine configuration (default: the bundled embedded one).")
  Path conf;

  @Option(names = "--examples", defaultValue = "10",
      description = "Popular entities whose strongest complements are listed with provider and reason.")
  int examples;

  @Option(names = "--out", description = "Folder for judge-score.json, judge-score.md and judge-score-pairs.csv (every pair with its"
      + " verdict and reason; default: print JSON).")
  Path out;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (!PROVIDERS.contains(provider)) {
      err.println("kerec judge score: --provider must be default, evidence, knowledge, llm or hybrid: " + provider);
      return 2;
    }
    boolean asksLlm = provider.equals("llm") || provider.equals("hybrid");
    if (llmAnswers != null && !asksLlm) {
      err.println("kerec judge score: --llm-answers needs --provider llm or hybrid");
      return 2;
    }
    List<Path> inputs = new ArrayList<>(List.of(labels, transactions));
    if (llmAnswers != null) {
      inputs.add(llmAnswers);
    }
    for (Path file : inputs) {
      if (!Files.isRegularFile(file)) {
        err.println("kerec judge score: no such file: " + file);
        return 2;
      }
    }
    KerecConfig config;
    KnowledgeFile knowledge;
    try {
      config = EngineConfigOptions.load(conf, null);
      knowledge = KnowledgeFile.load(config.judge().knowledge());
    } catch (IllegalArgumentException e) {
      err.println("kerec judge score: bad configuration: " + e.getMessage());
      return 2;
    }
    Yardstick yardstick;
    try {
      yardstick = Yardstick.read(labels);
    } catch (IllegalArgumentException e) {
      err.println("kerec judge score: " + labels + ": " + e.getMessage());
      return 2;
    }
    if (llmExport != null) {
      return exportRequests(yardstick, config);
    }
    LlmPairList.Answers llm = null;
    if (asksLlm) {
      llm = askLlm(yardstick, config, err);
      if (llm == null) {
        return 1;
      }
    }
    Dataset ds = Datasets.read(transactions);
    if (split != null) {
      ds = ds.splitAt(split.atStartOfDay(ZoneOffset.UTC).toInstant()).train();
    }
    EvidenceStats stats = statsOf(ds, config);
    EvidenceProvider evidence = new EvidenceProvider(stats, new MiniLmSubstituteDetector(), config.judge().evidence(),
        dictionary(config).dropWords().getOrDefault(EntityDictionary.MOTIF_CATEGORY, java.util.Set.of()));
    Map<EntityPair, Verdict> llmVerdicts = llm == null ? Map.of() : llm.verdicts();
    Function<EntityPair, Optional<Verdict>> judge = switch (provider) {
      case "evidence" -> evidence::judgeOne;
      case "knowledge" -> knowledge::verdict;
      case "llm" -> p -> Optional.ofNullable(llmVerdicts.get(p));
      case "hybrid" -> p -> knowledge.verdict(p).or(() -> Optional.ofNullable(llmVerdicts.get(p)))
          .or(() -> evidence.judgeOne(p));
      default -> p -> knowledge.verdict(p).or(() -> evidence.judgeOne(p));
    };
    long started = System.nanoTime();
    Yardstick.Score score = yardstick.score(judge);

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("labels", labels.toString());
    json.put("transactions", transactions.toString());
    json.put("split", split == null ? null : split.toString());
    json.put("provider", provider);
    json.put("rule", EvidenceProvider.PROMPT_VERSION);
    json.put("knowledge", knowledge.model());
    json.put("evidence", config.judge().evidence());
    if (llm != null) {
      Map<String, Object> about = new LinkedHashMap<>();
      about.put("model", config.judge().openai().model());
      about.put("prompt", OpenAiVerdictProvider.PROMPT_VERSION);
      about.put("answers", llmAnswers == null ? "live: " + config.judge().openai().baseUrl() : llmAnswers.toString());
      about.putAll(llm.summary());
      json.put("llm", about);
    }
    json.put("score", score);
    json.put("seconds", (System.nanoTime() - started) / 1e9);
    json.put("examples", examples(stats, judge));
    PrintWriter stdout = spec.commandLine().getOut();
    if (out == null) {
      stdout.println(JSON.writeValueAsString(json));
    } else {
      Files.createDirectories(out);
      JSON.writeValue(out.resolve("judge-score.json").toFile(), json);
      writePairs(out.resolve("judge-score-pairs.csv"), yardstick, judge);
      Files.writeString(out.resolve("judge-score.md"), markdown(json, score));
      stdout.println("kerec judge score: " + out.resolve("judge-score.json") + ", " + out.resolve("judge-score.md"));
    }
    stdout.flush();
    if (llm != null && llm.failedPairs() > 0) {
      err.printf(Locale.ROOT, "kerec judge score: the LLM gave no usable answer for %d of %d pairs (%d requests; first:"
          + " %s); they count as not linked, so these figures are not the LLM's%n", llm.failedPairs(), llm.pairs(),
          llm.failedRequests(), llm.problems().isEmpty() ? "?" : llm.problems().get(0));
      err.flush();
      return 1;
    }
    return 0;
  }

  private static final List<String> PROVIDERS = List.of("default", "evidence", "knowledge", "llm", "hybrid");

  /** The yardstick's pairs in the order of the file, as the LLM is asked them. */
  private static LlmPairList pairList(Yardstick yardstick, KerecConfig config) {
    return new LlmPairList(yardstick.rows().stream().map(Yardstick.Row::pair).toList(),
        config.judge().openai().batchSize(), "yardstick");
  }

  private int exportRequests(Yardstick yardstick, KerecConfig config) throws java.io.IOException {
    LlmPairList list = pairList(yardstick, config);
    Vertx vertx = Vertx.vertx();
    try {
      list.exportBatch(offline(vertx, config), llmExport);
    } finally {
      vertx.close();
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("file", llmExport.toString());
    json.put("requests", list.requests());
    json.put("pairs", yardstick.rows().size());
    json.put("model", config.judge().openai().model());
    json.put("prompt", OpenAiVerdictProvider.PROMPT_VERSION);
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.println(JSON.writeValueAsString(json));
    stdout.flush();
    return 0;
  }

  /** The configured LLM for writing requests and reading answers only: it sends nothing, so it needs no key. */
  private static OpenAiVerdictProvider offline(Vertx vertx, KerecConfig config) {
    return new OpenAiVerdictProvider(io.vertx.ext.web.client.WebClient.create(vertx), config.judge().openai(), k -> null);
  }

  /** The LLM's answers about the yardstick's pairs, live or from a Batch output file; null after a reported error. */
  private LlmPairList.Answers askLlm(Yardstick yardstick, KerecConfig config, PrintWriter err) throws Exception {
    LlmPairList list = pairList(yardstick, config);
    Vertx vertx = Vertx.vertx();
    try {
      if (llmAnswers != null) {
        return list.readBatchOutput(offline(vertx, config), llmAnswers);
      }
      var options = config.judge().llm();
      LlmCallPolicy policy = new LlmCallPolicy(vertx, options, LlmCallPolicy.largestCall(config.judge().openai(),
          options), new SimpleMeterRegistry(), OpenAiVerdictProvider.NAME);
      OpenAiVerdictProvider llm = new OpenAiVerdictProvider(vertx, config.judge().openai(), policy,
          options.answerTokensPerPair(), 2 * options.maxInFlight());
      if (!llm.hasApiKey() && config.judge().openai().apiKeyEnv() != null) {
        err.println("kerec judge score: no API key in $" + config.judge().openai().apiKeyEnv() + " for "
            + config.judge().openai().baseUrl() + " (fine for a local server that asks none)");
        err.flush();
      }
      int total = yardstick.rows().size();
      try {
        return list.judgeLive(llm, options.maxInFlight(), done -> {
          synchronized (err) {
            err.printf(Locale.ROOT, "kerec judge score: %s answered %d/%d pairs%n",
                config.judge().openai().model(), done, total);
            err.flush();
          }
        }).toCompletionStage().toCompletableFuture().get(2, TimeUnit.HOURS);
      } finally {
        llm.close();
      }
    } catch (java.io.IOException e) {
      err.println("kerec judge score: " + llmAnswers + ": " + e.getMessage());
      return null;
    } finally {
      vertx.close();
    }
  }

  /** Every labeled pair with the judge's verdict and reason, for reading what it got wrong. */
  private static void writePairs(Path file, Yardstick yardstick, Function<EntityPair, Optional<Verdict>> judge)
      throws java.io.IOException {
    StringBuilder csv = new StringBuilder("source,target,label,verdict,provider,confidence,reason\n");
    for (Yardstick.Row row : yardstick.rows()) {
      Optional<Verdict> v = judge.apply(row.pair());
      csv.append(row.pair().source()).append(',').append(row.pair().target()).append(',')
          .append(row.label().name().toLowerCase(Locale.ROOT)).append(',')
          .append(v.map(x -> x.complementary() ? "complementary" : "not").orElse("abstain")).append(',')
          .append(v.map(Verdict::provider).orElse("")).append(',')
          .append(v.map(x -> String.format(Locale.ROOT, "%.3f", x.confidence())).orElse("")).append(",\"")
          .append(v.map(Verdict::reason).orElse("").replace("\"", "'")).append("\"\n");
    }
    Files.writeString(file, csv);
  }

  /** Entity co-purchase counters of a bills file, with the entities the engine would extract. */
  static EntityDictionary dictionary(KerecConfig config) {
    String dictionary = config.entities().dictionary();
    return dictionary == null ? EntityDictionary.bundled() : EntityDictionary.load(Path.of(dictionary));
  }

  static EvidenceStats statsOf(Dataset ds, KerecConfig config) {
    EntityDictionary dict = dictionary(config);
    List<String> titles = ds.catalog().stream().map(CatalogItem::title).toList();
    EntityExtractor extractor = EntityExtractors.create(dict, titles, config.entities().compoundMinTitles());
    Map<String, List<String>> entitiesOf = new HashMap<>();
    for (CatalogItem item : ds.catalog()) {
      entitiesOf.put(item.itemId(), extractor.extract(item.title()));
    }
    EvidenceStats stats = new EvidenceStats(config.judge().maxOpenBaskets());
    for (Purchase p : ds.purchases()) {
      List<String> entities = entitiesOf.getOrDefault(p.itemId(), List.of());
      if (!entities.isEmpty()) {
        stats.add(p.basketId(), entities);
      }
    }
    return stats;
  }

  /** The three strongest complements of each of the most popular entities, with provider and reason. */
  private List<Map<String, Object>> examples(EvidenceStats stats, Function<EntityPair, Optional<Verdict>> judge) {
    List<String> popular = stats.byPopularity();
    List<Map<String, Object>> out = new ArrayList<>();
    for (String source : popular.subList(0, Math.min(examples, popular.size()))) {
      List<Verdict> complements = new ArrayList<>();
      for (String target : popular) {
        if (!target.equals(source)) {
          judge.apply(new EntityPair(source, target)).filter(Verdict::complementary).ifPresent(complements::add);
        }
      }
      complements.sort(Comparator.comparingDouble((Verdict v) -> -v.confidence()).thenComparing(Verdict::target));
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("entity", source);
      entry.put("complements", complements.size());
      entry.put("strongest", complements.stream().limit(3).map(v -> Map.of("target", v.target(),
          "provider", v.provider(), "confidence", Math.round(v.confidence() * 1000) / 1000.0,
          "reason", v.reason())).toList());
      out.add(entry);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static String markdown(Map<String, Object> json, Yardstick.Score score) {
    StringBuilder md = new StringBuilder("# Judge on the yardstick\n\n");
    md.append(String.format(Locale.ROOT, "- labels: %s (%d pairs: %s)%n- bills: %s%s%n- rule: %s, knowledge: %s%n%n",
        json.get("labels"), score.pairs(), score.byLabel(), json.get("transactions"),
        json.get("split") == null ? "" : " before " + json.get("split"), json.get("rule"), json.get("knowledge")));
    if (json.get("llm") instanceof Map<?, ?> llm) {
      md.append(String.format(Locale.ROOT, "LLM `%s` (prompt %s, answers %s): %s of %s pairs answered, %s"
              + " complementary, %s left out by the answers, %s in %s failed requests, %s tokens. The LLM is asked"
              + " the yardstick's pairs only, so its examples below are among them.%n%n", llm.get("model"),
          llm.get("prompt"), llm.get("answers"), llm.get("answered"), llm.get("pairs"), llm.get("complementary"),
          llm.get("abstained"), llm.get("failedPairs"), llm.get("failedRequests"), llm.get("tokens")));
    }
    md.append(score.markdown(String.valueOf(json.get("provider")))).append('\n');
    md.append("Linked by provider: ").append(score.linkedByProvider()).append("\n\n## Examples\n\n");
    md.append("| entity | complements | strongest (provider: reason) |\n|---|---:|---|\n");
    for (Map<String, Object> e : (List<Map<String, Object>>) json.get("examples")) {
      StringBuilder cells = new StringBuilder();
      for (Map<String, Object> c : (List<Map<String, Object>>) e.get("strongest")) {
        cells.append(cells.isEmpty() ? "" : "<br>").append("**").append(c.get("target")).append("** (")
            .append(c.get("provider")).append("): ").append(c.get("reason"));
      }
      md.append("| ").append(e.get("entity")).append(" | ").append(e.get("complements")).append(" | ")
          .append(cells).append(" |\n");
    }
    return md.toString();
  }
}
