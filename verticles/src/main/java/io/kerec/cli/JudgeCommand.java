package io.kerec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kerec.config.ConfigException;
import io.kerec.config.KerecConfig;
import io.kerec.dataset.CatalogItem;
import io.kerec.dataset.Dataset;
import io.kerec.dataset.Datasets;
import io.kerec.dataset.Purchase;
import io.kerec.entity.EntityDictionary;
import io.kerec.entity.EntityExtractor;
import io.kerec.entity.EntityExtractors;
import io.kerec.judge.BatchFiles;
import io.kerec.judge.EntityPair;
import io.kerec.judge.OpenAiVerdictProvider;
import io.kerec.judge.PairQueue;
import io.kerec.judge.PairStrategy;
import io.kerec.judge.PairStrategyReport;
import io.kerec.store.PostgresServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kerec judge}: the LLM judge offline: cost plan, batch-API export and import. */
@Command(name = "judge", mixinStandardHelpOptions = true,
    description = "The judge offline: what the pair strategy will ask and cost (plan), how a judge fares on labeled"
        + " pairs (score), and the OpenAI Batch API"
        + " round trip (export the queued pairs, import the results). Export and import open the engine's"
        + " database: with the embedded PostgreSQL, stop the engine first.",
    subcommands = {JudgeCommand.Plan.class, JudgeCommand.Export.class, JudgeCommand.Import.class,
        JudgeScoreCommand.class})
public final class JudgeCommand {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** {@code kerec judge plan}: pairs, fraction of n² and tokens for a bills file's entities. */
  @Command(name = "plan", mixinStandardHelpOptions = true,
      description = "Extract the entities of a bills file as the engine does, rank them by bills, and report how"
          + " many directed pairs the configured strategy asks, the fraction of n(n-1), and the tokens it will cost"
          + " with the configured prompt and batch size, before anything is spent.")
  static final class Plan implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--transactions", required = true, description = "Bills file (Online Retail or generic CSV).")
    Path transactions;

    @Option(names = "--conf", description = "Engine configuration (default: the bundled embedded one).")
    Path conf;

    @Option(names = "--out", description = "Folder for judge-plan.json and judge-plan.md (default: print JSON).")
    Path out;

    @Override
    public Integer call() throws Exception {
      KerecConfig config;
      try {
        config = EngineConfigOptions.load(conf, null);
      } catch (ConfigException e) {
        spec.commandLine().getErr().println("kerec judge plan: bad configuration: " + e.getMessage());
        return 2;
      }
      Dataset ds = Datasets.read(transactions);
      String dictionary = config.entities().dictionary();
      EntityDictionary dict = dictionary == null ? EntityDictionary.bundled() : EntityDictionary.load(Path.of(dictionary));
      List<String> titles = ds.catalog().stream().map(CatalogItem::title).toList();
      EntityExtractor extractor = EntityExtractors.create(dict, titles, config.entities().compoundMinTitles());
      Map<String, List<String>> entitiesOf = new HashMap<>();
      for (CatalogItem item : ds.catalog()) {
        entitiesOf.put(item.itemId(), extractor.extract(item.title()));
      }
      Map<String, Set<String>> billsOf = new HashMap<>();
      for (Purchase p : ds.purchases()) {
        for (String e : entitiesOf.getOrDefault(p.itemId(), List.of())) {
          billsOf.computeIfAbsent(e, k -> new HashSet<>()).add(p.basketId());
        }
      }
      List<String> ranked = new ArrayList<>(billsOf.keySet());
      ranked.sort(Comparator.comparingInt((String e) -> -billsOf.get(e).size()).thenComparing(e -> e));

      PairStrategy strategy = new PairStrategy(config.judge().pairs());
      int batch = config.judge().openai().batchSize();
      OpenAiVerdictProvider provider = new OpenAiVerdictProvider(
          io.vertx.ext.web.client.WebClient.create(Vertx.vertx()), config.judge().openai(), k -> null);
      List<EntityPair> sample = strategy.stream(ranked, p -> false).limit(batch).toList();
      double promptTokens = sample.isEmpty() ? 0
          : (provider.requestBody(sample).getJsonArray("messages").getJsonObject(0).getString("content").length()
              + 16) / 4.0;
      double tokensPerPair = sample.isEmpty() ? 0
          : promptTokens / sample.size() + config.judge().llm().answerTokensPerPair();
      PairStrategyReport report = strategy.report(ranked.size(), tokensPerPair);

      Map<String, Object> json = new LinkedHashMap<>();
      json.put("transactions", transactions.toString());
      json.put("entities", report.entities());
      json.put("head", config.judge().pairs().head());
      json.put("torso", config.judge().pairs().torso());
      json.put("pairs", report.pairs());
      json.put("allPairs", report.allPairs());
      json.put("fraction", report.fraction());
      json.put("pairsBySegment", report.pairsBySegment());
      json.put("pairsPerCall", batch);
      json.put("calls", (report.pairs() + batch - 1) / batch);
      json.put("tokensPerPair", Math.round(tokensPerPair * 10) / 10.0);
      json.put("estimatedTokens", report.estimatedTokens());
      json.put("model", config.judge().openai().model());
      json.put("topEntities", ranked.subList(0, Math.min(10, ranked.size())));
      PrintWriter stdout = spec.commandLine().getOut();
      if (out == null) {
        stdout.println(JSON.writeValueAsString(json));
      } else {
        Files.createDirectories(out);
        JSON.writeValue(out.resolve("judge-plan.json").toFile(), json);
        Files.writeString(out.resolve("judge-plan.md"), markdown(json, report));
        stdout.println("kerec judge plan: " + out.resolve("judge-plan.json") + ", " + out.resolve("judge-plan.md"));
      }
      stdout.flush();
      provider.close();
      return 0;
    }

    private static String markdown(Map<String, Object> json, PairStrategyReport r) {
      StringBuilder md = new StringBuilder("# Judge plan\n\n");
      md.append(String.format(Locale.ROOT, "Bills: `%s`. %d entities; the strategy asks **%,d** directed pairs of "
              + "%,d (%.2f%% of n(n-1)), in %,d calls of %s pairs: about **%,d tokens** (%.1f a pair) on %s.%n%n",
          json.get("transactions"), r.entities(), r.pairs(), r.allPairs(), 100 * r.fraction(),
          (long) json.get("calls"), json.get("pairsPerCall"), r.estimatedTokens(), r.tokensPerPair(),
          json.get("model")));
      md.append("| segment pair | pairs |\n|---|---:|\n");
      r.pairsBySegment().forEach((k, v) -> md.append("| ").append(k).append(" | ")
          .append(String.format(Locale.ROOT, "%,d", v)).append(" |\n"));
      return md.toString();
    }
  }

  /** Shared by export and import: the engine's database and the LLM queue of its configured model. */
  abstract static class QueueCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EngineConfigOptions engine;

    abstract String name();

    abstract Future<Object> run(PairQueue queue, OpenAiVerdictProvider provider, KerecConfig config);

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      KerecConfig config;
      try {
        config = engine.load();
      } catch (ConfigException e) {
        err.println("kerec judge " + name() + ": bad configuration: " + e.getMessage());
        return 2;
      }
      Vertx vertx = Vertx.vertx();
      try (PostgresServer pg = PostgresServer.open(config.postgres(), config.dataPath())) {
        OpenAiVerdictProvider provider = new OpenAiVerdictProvider(vertx, config.judge().openai());
        PairQueue queue = new PairQueue(vertx, pg.connectOptions(), provider.name(), provider.model(),
            provider.promptVersion());
        try {
          Object result = run(queue, provider, config).toCompletionStage().toCompletableFuture()
              .get(30, TimeUnit.MINUTES);
          spec.commandLine().getOut().println(JSON.writeValueAsString(result));
          spec.commandLine().getOut().flush();
          return 0;
        } finally {
          queue.close();
          provider.close();
        }
      } catch (RuntimeException e) {
        err.println("kerec judge " + name() + ": " + e.getMessage());
        return 1;
      } finally {
        vertx.close();
      }
    }
  }

  /** {@code kerec judge export}. */
  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write the queued pairs of the configured model as an OpenAI Batch API input file (one"
          + " chat-completions request per line, the live prompt, custom_id naming the request) and mark them"
          + " exported so live judging does not pay for them again. Prints a JSON summary.")
  static final class Export extends QueueCommand {
    @Option(names = "--out", required = true, description = "The .jsonl file to write.")
    Path out;

    @Option(names = "--limit", defaultValue = "50000", description = "Most pairs (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    String name() {
      return "export";
    }

    @Override
    Future<Object> run(PairQueue queue, OpenAiVerdictProvider provider, KerecConfig config) {
      String exportId = "kerec" + Instant.now().getEpochSecond();
      return BatchFiles.export(queue, provider, out, exportId, limit).map(r -> r);
    }
  }

  /** {@code kerec judge import}. */
  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Read an OpenAI Batch API output file into verdicts, parsed and stored exactly as live answers"
          + " (importing the same file twice changes nothing). Unknown custom_ids, malformed lines, failed"
          + " requests and unparseable answers are counted and listed, never guessed. The engine loads the new"
          + " verdicts into the graph when it starts. Prints a JSON report.")
  static final class Import extends QueueCommand {
    @Parameters(index = "0", paramLabel = "RESULTS", description = "The Batch API output .jsonl file.")
    Path results;

    @Override
    String name() {
      return "import";
    }

    @Override
    Future<Object> run(PairQueue queue, OpenAiVerdictProvider provider, KerecConfig config) {
      return BatchFiles.importResults(queue, provider, results, config.judge().llm().maxAbstentions())
          .map(BatchFiles::asMap);
    }
  }
}
