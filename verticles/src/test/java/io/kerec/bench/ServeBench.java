package io.kerec.bench;

import static io.kerec.testing.Await.await;

import io.kerec.config.CacheOptions;
import io.kerec.observe.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
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
 * {@code ./kerec bench serve}: {@code GET /v1/users/{id}/recommendations} over every user of the loaded bills,
 * round-robin, against the bare {@code GET /bench/noop} of the same server, measured in the same run by
 * {@link LoadGenerator} in its own JVM at 1, 4, 16 and 64 connections ({@code -Dkerec.bench.serve.levels}).
 * The headline is the recommendations' rps over noop's at the concurrency where noop saturates (the first level
 * after which its rps grows by less than 10%). Before the runs every user is asked once, so the recommendation cache
 * (at its default settings) holds the users as a deployment's would; the report gives the cache settings, how the
 * runs' requests were served (hit, stale while refreshed, miss), and the same requests with
 * {@code Cache-Control: no-cache}, each computed by recall and rank. Writes {@code bench-serve.json},
 * {@code bench-serve.md}, two charts and the {@code serve} key of {@code bench.json}.
 */
@EnabledIfSystemProperty(named = "kerec.bench", matches = "true")
class ServeBench {
  private static final double SECONDS = Double.parseDouble(System.getProperty("kerec.bench.serve.seconds", "5"));
  private static final String LEVELS = System.getProperty("kerec.bench.serve.levels", "1,4,16,64");

  @TempDir
  Path work;

  @Test
  void measure() throws Exception {
    Path out = BenchReport.out();
    String when = BenchReport.now();
    try (BenchEngine rig = BenchEngine.start(work.resolve("engine"))) {
      List<String> users = rig.users();
      sanity(rig, users);
      rig.facts.put("cache", cacheFacts(rig));
      rig.facts.put("cache_warm_s", warm(rig, users));
      Path usersFile = work.resolve("users.txt");
      Files.write(usersFile, users);
      Map<String, Double> before = cacheCounts();
      JsonObject result = BenchReport.loadGenerator(work, 600, List.of(), "serve", String.valueOf(rig.port()),
          usersFile.toString(), LEVELS, String.valueOf(SECONDS), "1");
      Map<String, Double> after = cacheCounts();
      Map<String, Object> served = new LinkedHashMap<>();
      after.forEach((k, v) -> served.put(k, Math.round(v - before.get(k))));
      rig.facts.put("cache_during_runs", served);
      report(out, when, rig.facts, users.size(), result.getJsonArray("rows"));
    }
  }

  private static void sanity(BenchEngine rig, List<String> users) {
    WebClient client = WebClient.create(rig.vertx);
    try {
      HttpResponse<Buffer> noop = await(client.get(rig.port(), "127.0.0.1", "/bench/noop").send());
      if (noop.statusCode() != 200 || !noop.bodyAsJsonObject().getBoolean("ok", false)) {
        throw new AssertionError("/bench/noop answered " + noop.statusCode() + " " + noop.bodyAsString());
      }
      int personal = 0;
      for (String u : users.subList(0, Math.min(50, users.size()))) {
        JsonObject recs = await(client.get(rig.port(), "127.0.0.1", "/v1/users/" + u
            + "/recommendations").send()).bodyAsJsonObject();
        if (!recs.getBoolean("fallback", true) && recs.getJsonArray("items").size() == 10) {
          personal++;
        }
      }
      if (personal < 40) {
        throw new AssertionError("only " + personal + " of 50 known users got 10 personal recommendations");
      }
    } finally {
      client.close();
    }
  }

  /** The cache settings the engine serves with (the defaults: the bench configures none). */
  private static Map<String, Object> cacheFacts(BenchEngine rig) {
    CacheOptions c = rig.engine.config().cache();
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("active", c.active());
    facts.put("maxStalenessMs", c.maxStalenessMs());
    facts.put("refreshAfterMs", c.refreshAfterMs());
    facts.put("maxEntries", c.maxEntries());
    facts.put("maxRefreshes", c.maxRefreshes());
    return facts;
  }

  /**
   * Asks once for every user (8 in flight) before the runs, as a deployment's cache holds its active users: the runs
   * then measure the served path, with answers refreshed by age as in production. Returns the seconds it took.
   */
  private static double warm(BenchEngine rig, List<String> users) {
    long t0 = System.nanoTime();
    WebClient client = WebClient.create(rig.vertx);
    try {
      for (int i = 0; i < users.size(); i += 8) {
        List<Future<HttpResponse<Buffer>>> batch = new ArrayList<>();
        for (String u : users.subList(i, Math.min(users.size(), i + 8))) {
          batch.add(client.get(rig.port(), "127.0.0.1", "/v1/users/" + u + "/recommendations").send());
        }
        await(Future.all(batch));
      }
    } finally {
      client.close();
    }
    return Math.round((System.nanoTime() - t0) / 1e8) / 10.0;
  }

  /** The cache's counters by result (hit, stale, miss) and refreshes skipped for want of a free slot. */
  private static Map<String, Double> cacheCounts() {
    MeterRegistry meters = Meters.registry();
    Map<String, Double> counts = new LinkedHashMap<>();
    for (String result : List.of("hit", "stale", "miss", "bypass")) {
      Counter c = meters.find("kerec.recommendations.cache").tag("result", result).counter();
      counts.put(result, c == null ? 0 : c.count());
    }
    Counter skipped = meters.find("kerec.recommendations.cache.refreshes.skipped").counter();
    counts.put("refreshes_skipped", skipped == null ? 0 : skipped.count());
    return counts;
  }

  private static void report(Path out, String when, Map<String, Object> facts, int users, JsonArray rows)
      throws Exception {
    List<Integer> levels = new ArrayList<>();
    Map<Integer, JsonObject> noop = new LinkedHashMap<>();
    Map<Integer, JsonObject> recs = new LinkedHashMap<>();
    Map<Integer, JsonObject> uncached = new LinkedHashMap<>();
    for (Object o : rows) {
      JsonObject r = (JsonObject) o;
      if (r.getLong("failures") > 0) {
        throw new AssertionError("failed requests: " + r.encode());
      }
      int c = r.getInteger("concurrency");
      if (!levels.contains(c)) {
        levels.add(c);
      }
      switch (r.getString("target")) {
        case "noop" -> noop.put(c, r);
        case "recommendations" -> recs.put(c, r);
        default -> uncached.put(c, r);
      }
    }
    int saturation = levels.get(levels.size() - 1);
    for (int i = 0; i + 1 < levels.size(); i++) {
      if (noop.get(levels.get(i + 1)).getLong("rps") < 1.1 * noop.get(levels.get(i)).getLong("rps")) {
        saturation = levels.get(i);
        break;
      }
    }
    JsonObject head = recs.get(saturation);
    long noopRps = noop.get(saturation).getLong("rps");
    double ratio = Math.round(1000.0 * head.getLong("rps") / noopRps) / 1000.0;
    Map<String, Object> serve = new LinkedHashMap<>();
    serve.put("rps", head.getLong("rps"));
    serve.put("p50_ms", head.getDouble("p50_ms"));
    serve.put("p99_ms", head.getDouble("p99_ms"));
    serve.put("p999_ms", head.getDouble("p999_ms"));
    serve.put("noop_rps", noopRps);
    serve.put("ratio", ratio);
    serve.put("concurrency", saturation);
    serve.put("noop_p99_ms", noop.get(saturation).getDouble("p99_ms"));
    JsonObject computed = uncached.get(saturation);
    serve.put("uncached_rps", computed.getLong("rps"));
    serve.put("uncached_p99_ms", computed.getDouble("p99_ms"));
    serve.put("uncached_ratio", Math.round(1000.0 * computed.getLong("rps") / noopRps) / 1000.0);
    serve.put("seconds_per_run", SECONDS);
    serve.put("distinct_users", users);
    serve.put("measured", when);
    serve.put("engine", facts);
    serve.put("runs", rows.getList());
    BenchReport.put(out, "serve", serve);
    List<BenchReport.Line> rps = List.of(line("noop", levels, noop, "rps"), line("recommendations", levels, recs, "rps"),
        line("recommendations, no-cache", levels, uncached, "rps"));
    BenchReport.chart(out.resolve("serve-rps.png"), "Throughput by concurrency: recommendations vs bare endpoint",
        "connections", "requests/s", true, rps);
    List<BenchReport.Line> p99 = List.of(line("noop p99", levels, noop, "p99_ms"), line("recommendations p99", levels, recs,
        "p99_ms"), line("recommendations p50", levels, recs, "p50_ms"));
    BenchReport.chart(out.resolve("serve-latency.png"), "Latency by concurrency", "connections", "ms", true,
        p99);
    StringBuilder md = new StringBuilder("# Serve benchmark\n\n");
    md.append(String.format(Locale.ROOT, "Measured %s. `GET /v1/users/{id}/recommendations` (k = 10) over %,d "
            + "distinct users round-robin, against the bare Vert.x handler `GET /bench/noop` on the same server, "
            + "same run; closed loop, one request in flight per connection, %s s per run after 1 s of warm-up, load "
            + "generator in its own JVM on loopback. Engine: %s bills until %s (%,d items, %,d purchases), judged "
            + "(%s verdicts) and trained (%s samples) before the runs. noop saturates at **%d connections** "
            + "(%,d rps); there recommendations make **%,d rps = %.3f of noop**, p50 %s ms, p99 **%s ms**, "
            + "p99.9 %s ms. Two shared cores run engine and load generator, so the figures are noisy.%n%n",
        when, users, SECONDS, "Online Retail", facts.get("bills_until"), (int) facts.get("items"),
        (int) facts.get("purchases"), facts.get("judge_verdicts"), facts.get("train_samples"), saturation, noopRps,
        head.getLong("rps"), ratio, head.getDouble("p50_ms"), head.getDouble("p99_ms"), head.getDouble("p999_ms")));
    md.append(String.format(Locale.ROOT, "Recommendation cache: %s; every user asked once before the runs (%s s). "
            + "Answers to the runs' recommendation requests by the cache: %s. The same requests with "
            + "`Cache-Control: no-cache`, each computed by recall and rank, make %,d rps there (%.3f of noop), "
            + "p99 %s ms.%n%n", facts.get("cache"), facts.get("cache_warm_s"), facts.get("cache_during_runs"),
        computed.getLong("rps"), (double) computed.getLong("rps") / noopRps, computed.getDouble("p99_ms")));
    md.append("| connections | noop rps | noop p50 | noop p99 | noop p99.9 | recs rps | recs p50 | recs p99 | "
        + "recs p99.9 | ratio | no-cache rps | no-cache p50 | no-cache p99 |\n"
        + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int c : levels) {
      JsonObject n = noop.get(c);
      JsonObject r = recs.get(c);
      JsonObject u = uncached.get(c);
      md.append(String.format(Locale.ROOT, "| %d | %,d | %s | %s | %s | %,d | %s | %s | %s | %.3f | %,d | %s | %s |%n",
          c, n.getLong("rps"), n.getDouble("p50_ms"), n.getDouble("p99_ms"), n.getDouble("p999_ms"), r.getLong("rps"),
          r.getDouble("p50_ms"), r.getDouble("p99_ms"), r.getDouble("p999_ms"),
          (double) r.getLong("rps") / n.getLong("rps"), u.getLong("rps"), u.getDouble("p50_ms"),
          u.getDouble("p99_ms")));
    }
    md.append("\nLatencies in ms.\n\n![throughput](serve-rps.png)\n\n![latency](serve-latency.png)\n\n");
    Files.writeString(out.resolve("bench-serve.md"), md.toString());
    System.out.println("serve bench: " + serve);
  }

  private static BenchReport.Line line(String name, List<Integer> levels, Map<Integer, JsonObject> rows, String field) {
    List<Double> y = new ArrayList<>();
    for (int c : levels) {
      y.add(rows.get(c).getDouble(field));
    }
    return new BenchReport.Line(name, levels, y);
  }
}
