package io.kerec.judge;

import static io.kerec.testing.Await.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kerec.config.LlmOptions;
import io.kerec.store.Store;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./kerec bench judge}: the judge pipeline (PostgreSQL queue, throttle, breaker) against the provider
 * simulator at fixed limits, over thousands of pairs. Reports how much of the binding limit it used, and checks
 * that no pair was lost or paid twice and every 429 was honoured. Writes {@code bench-judge.json} and
 * {@code bench-judge.md} into {@code -Dkerec.bench.out} (default {@code target/bench}).
 */
@EnabledIfSystemProperty(named = "kerec.bench", matches = "true")
class JudgeBench {
  @TempDir
  Path dir;

  private record Scenario(String name, String what, int pairs, int batch, ProviderSimulator.Options sim,
                          LlmOptions llm) {
  }

  @Test
  void measure() throws Exception {
    Path out = Path.of(System.getProperty("kerec.bench.out", "target/bench"));
    Files.createDirectories(out);
    List<Scenario> scenarios = List.of(
        new Scenario("requests-bound", "600 requests/min, no token limit", 3_000, 20,
            new ProviderSimulator.Options(600, 0, 1_000, 300, 0.4, 0, 0, 0, 11),
            limits(600, 0)),
        new Scenario("tokens-bound", "360,000 tokens/min, 10,000 requests/min", 3_000, 20,
            new ProviderSimulator.Options(10_000, 360_000, 1_000, 300, 0.4, 0, 0, 0, 12),
            limits(10_000, 360_000)),
        new Scenario("faults", "1,200 requests/min, 1 M tokens/min; 5% random 429, 5% 503, 10% malformed",
            2_000, 10,
            new ProviderSimulator.Options(1_200, 1_000_000, 1_000, 200, 0.6, 0.05, 0.05, 0.10, 13),
            limits(1_200, 1_000_000)));
    Map<String, Object> results = new LinkedHashMap<>();
    Vertx vertx = Vertx.vertx();
    try (JudgeHarness harness = new JudgeHarness(vertx, dir); Store store = Store.create(vertx, harness.pg(), 1)) {
      for (Scenario s : scenarios) {
        Map<String, Object> r = run(vertx, harness, store, s);
        results.put(s.name(), r);
        System.out.println("judge bench " + s.name() + ": " + r);
      }
    } finally {
      vertx.close();
    }
    double worst = results.entrySet().stream().filter(e -> !e.getKey().equals("faults"))
        .mapToDouble(e -> (double) ((Map<?, ?>) e.getValue()).get("limit_utilisation")).min().orElse(0);
    Map<String, Object> judge = new LinkedHashMap<>();
    judge.put("limit_utilisation", round(worst));
    judge.put("scenarios", results);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    json.writeValue(out.resolve("bench-judge.json").toFile(), Map.of("judge", judge));
    Path combined = out.resolve("bench.json");
    Map<String, Object> all = Files.exists(combined)
        ? json.readValue(combined.toFile(), new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() { })
        : new LinkedHashMap<>();
    all.put("judge", judge);
    json.writeValue(combined.toFile(), all);
    Files.writeString(out.resolve("bench-judge.md"), markdown(scenarios, results, worst));
    System.out.println("judge bench: limit utilisation " + round(worst) + "; report in " + out.toAbsolutePath());
  }

  private static LlmOptions limits(int rpm, long tpm) {
    return new LlmOptions("live", rpm, tpm, 1_000, 8, 30, 10, 50, 2_000, 20, 1_000, 0, 0, 3, 600_000, null);
  }

  private Map<String, Object> run(Vertx vertx, JudgeHarness harness, Store store, Scenario s) throws Exception {
    List<EntityPair> pairs = JudgeHarness.pairs(s.pairs(), s.name());
    Map<String, Object> r = new LinkedHashMap<>();
    try (ProviderSimulator sim = new ProviderSimulator(vertx, s.sim()).start();
         JudgeHarness.Pipeline p = harness.new Pipeline(sim.baseUrl(), s.name(), s.batch(), s.llm())) {
      p.enqueue(pairs);
      long started = System.nanoTime();
      p.start();
      p.awaitDrained(600_000);
      double wall = (System.nanoTime() - started) / 1e9;
      List<long[]> accepted = sim.acceptedAt();
      long first = accepted.stream().mapToLong(a -> a[0]).min().orElse(0);
      long last = accepted.stream().mapToLong(a -> a[0]).max().orElse(0);
      double minutes = (last - first) / 6e10;
      long rpm = s.sim().requestsPerMinute();
      long tpm = s.sim().tokensPerMinute();
      double reqUse = rpm == 0 ? 0 : accepted.size() / (burst(rpm, s.sim().burstMs()) + rpm * minutes);
      long tokens = accepted.stream().mapToLong(a -> a[1]).sum();
      double tokUse = tpm == 0 ? 0 : tokens / (burst(tpm, s.sim().burstMs()) + tpm * minutes);
      List<Verdict> stored = await(new VerdictStore(store.client()).verdicts("openai", s.name(),
          OpenAiVerdictProvider.PROMPT_VERSION));
      Set<EntityPair> judged = new HashSet<>();
      stored.forEach(v -> judged.add(v.pair()));
      long wrong = stored.stream().filter(v -> v.complementary()
          != ProviderSimulator.answer(v.pair()).complementary()).count();
      Map<String, Long> depth = p.depth();
      r.put("pairs", s.pairs());
      r.put("pairs_per_call", s.batch());
      r.put("seconds", round(wall));
      r.put("pairs_per_s", round(s.pairs() / wall));
      r.put("calls_accepted", accepted.size());
      r.put("tokens_accepted", tokens);
      r.put("requests_per_min", round(accepted.size() / Math.max(minutes, 1e-9)));
      r.put("tokens_per_min", round(tokens / Math.max(minutes, 1e-9)));
      r.put("request_limit_utilisation", round(reqUse));
      r.put("token_limit_utilisation", round(tokUse));
      r.put("binding_limit", reqUse >= tokUse ? "requests" : "tokens");
      r.put("limit_utilisation", round(Math.max(reqUse, tokUse)));
      r.put("verdicts", stored.size());
      r.put("pairs_lost", pairs.stream().filter(x -> !judged.contains(x)).count());
      r.put("unparseable", depth.get("unparseable"));
      r.put("verdicts_differing_from_answers", wrong);
      r.put("pairs_paid_twice", sim.paidTwice());
      r.put("rate_limited_429", sim.limited());
      r.put("random_429", sim.spurious429());
      r.put("requests_ignoring_retry_after", sim.violations());
      r.put("http_503", sim.unavailable());
      r.put("malformed_answers", sim.malformed());
      r.put("repair_calls", sim.repairs());
    }
    return r;
  }

  private static double burst(long perMinute, long burstMs) {
    return Math.max(1, perMinute * burstMs / 60_000);
  }

  private static double round(double x) {
    return Math.round(x * 10_000) / 10_000.0;
  }

  private static String markdown(List<Scenario> scenarios, Map<String, Object> results, double worst) {
    StringBuilder md = new StringBuilder("# Judge benchmark\n\n");
    md.append(String.format(Locale.ROOT, "Limit utilisation (worst of the limit-bound scenarios): **%.1f%%**%n%n",
        worst * 100));
    md.append("The engine's judge pipeline (PostgreSQL queue, Bucket4j throttle set to the provider's limits, "
        + "Vert.x circuit breaker) against the local provider simulator, which enforces the same limits with its "
        + "own token buckets and answers 429 with `retry-after-ms` / `Retry-After`. Utilisation = what the "
        + "simulator accepted ÷ the most it could accept over the same time (burst + limit × duration).\n\n");
    md.append("| scenario | limits and faults | pairs | s | pairs/s | binding | utilisation | lost | paid twice "
        + "| 429 (limit / random) | ignored Retry-After | 503 | malformed |\n");
    md.append("|---|---|---:|---:|---:|---|---:|---:|---:|---|---:|---:|---:|\n");
    for (Scenario s : scenarios) {
      Map<?, ?> r = (Map<?, ?>) results.get(s.name());
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %.1f%% | %s | %s | %s / %s | %s | %s | %s |%n",
          s.name(), s.what(), r.get("pairs"), r.get("seconds"), r.get("pairs_per_s"), r.get("binding_limit"),
          100 * (double) r.get("limit_utilisation"), r.get("pairs_lost"), r.get("pairs_paid_twice"),
          r.get("rate_limited_429"), r.get("random_429"), r.get("requests_ignoring_retry_after"),
          r.get("http_503"), r.get("malformed_answers")));
    }
    return md.toString();
  }
}
